import type { Lang } from './locales';

// Console wording of incident templates, both languages side by side.
const WORDS = {
  templates: ['テンプレート', 'Templates'],
  intro: [
    '障害の登録・続報・メンテナンスの告知を書き始めるための定型文です。テンプレートはフォームに入力されるだけで、送信するまで公開されません。',
    'Texts to start a new incident, an update or a maintenance notice from. A template only fills the form: nothing is published until you submit it there.',
  ],
  name: ['名前', 'Name'],
  kind: ['種類', 'Kind'],
  kindIncident: ['障害の登録', 'New incident'],
  kindUpdate: ['続報', 'Incident update'],
  kindMaintenance: ['メンテナンス', 'Maintenance'],
  titleJa: ['タイトル（日本語）', 'Title (Japanese)'],
  titleEn: ['タイトル（英語）', 'Title (English)'],
  titleHint: ['続報では使いません。', 'Not used by updates.'],
  bodyJa: ['本文（日本語・Markdown）', 'Message (Japanese, markdown)'],
  bodyEn: ['本文（英語・Markdown）', 'Message (English, markdown)'],
  status: ['状態', 'Status'],
  impact: ['影響度', 'Impact'],
  none: ['指定しない', 'Not set'],
  create: ['テンプレートを追加', 'Add template'],
  save: ['保存', 'Save'],
  delete: ['削除', 'Delete'],
  edit: ['編集', 'Edit'],
  use: ['このテンプレートで書く', 'Write from this template'],
  empty: ['テンプレートはまだありません。', 'No templates yet.'],
  saved: ['保存しました。', 'Saved.'],
  required: ['入力してください。', 'Required.'],
  tooLong: ['長すぎます。', 'Too long.'],
  notFound: ['このテンプレートは見つかりません。', 'This template was not found.'],
  startFrom: ['テンプレートから書く', 'Start from a template'],
  apply: ['読み込む', 'Load'],
  updated: ['更新日時', 'Updated'],
} satisfies Record<string, [string, string]>;

export type TemplateWords = { [K in keyof typeof WORDS]: string };

export function templateText(lang: Lang): TemplateWords {
  const i = lang === 'ja' ? 0 : 1;
  return Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[i]])) as TemplateWords;
}
