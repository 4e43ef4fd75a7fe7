import type { Lang } from './locales';

// Console wording for managing components, both languages side by side.
const WORDS = {
  heading: ['コンポーネント', 'Components'],
  intro: [
    'お客様のステータスページに表示するサービスとグループです。スラッグはレポートやAPIが参照するため、作成後は変更できません。',
    'The services and groups on the public status page. Reports and the API refer to a component by its slug, so a slug cannot change once created.',
  ],
  viewOnly: ['閲覧のみ（変更には管理者権限が必要です）', 'View only (changes need the admin role)'],
  group: ['グループ', 'Group'],
  groups: ['グループ', 'Groups'],
  ungrouped: ['グループなし（公開ページに表示されません）', 'No group (not on the public page)'],
  slug: ['スラッグ', 'Slug'],
  slugHint: ['半角英小文字・数字・ハイフン。作成後は変更できません', 'Lower-case letters, digits, hyphens; fixed once created'],
  nameJa: ['名前（日本語）', 'Name (Japanese)'],
  nameEn: ['名前（英語）', 'Name (English)'],
  descriptionJa: ['説明（日本語）', 'Description (Japanese)'],
  descriptionEn: ['説明（英語）', 'Description (English)'],
  status: ['状態', 'Status'],
  flags: ['表示', 'Shown'],
  actions: ['操作', 'Actions'],
  onlyShowIfDegraded: ['障害時のみ表示（正常な間は公開ページに出さない）', 'Show only when degraded (hidden from the public page while operational)'],
  hiddenUntilDegraded: ['障害時のみ表示', 'Hidden until degraded'],
  archived: ['アーカイブ済み', 'Archived'],
  shown: ['表示中', 'Shown'],
  up: ['上へ', 'Up'],
  down: ['下へ', 'Down'],
  moveUp: ['を上へ移動', ': move up'],
  moveDown: ['を下へ移動', ': move down'],
  edit: ['編集', 'Edit'],
  save: ['保存', 'Save'],
  rename: ['名前を変更', 'Rename'],
  archive: ['アーカイブ', 'Archive'],
  unarchive: ['アーカイブを解除', 'Unarchive'],
  delete: ['削除', 'Delete'],
  deleteGroup: ['グループを削除', 'Delete group'],
  probes: ['監視設定', 'Probes'],
  addGroup: ['グループを追加', 'Add a group'],
  addComponent: ['コンポーネントを追加', 'Add a component'],
  create: ['追加', 'Add'],
  editHeading: ['コンポーネントを編集', 'Edit component'],
  back: ['一覧に戻る', 'Back to the list'],
  historyKept: ['履歴があるため削除できません（アーカイブできます）', 'Has history: cannot be deleted (archive it instead)'],
  saved: ['保存しました。', 'Saved.'],
  invalid: ['入力内容を確認してください。', 'Check what you entered.'],
  not_found: ['見つかりません。', 'Not found.'],
  slug_taken: ['このスラッグは使われています。', 'This slug is taken.'],
  group_not_empty: ['サービスが残っているグループは削除できません。先に移動してください。', 'Move the components out of the group first.'],
  has_history: ['履歴のあるサービスは削除できません。アーカイブしてください。', 'A component with history cannot be deleted: archive it.'],
} as const;

export type ComponentAdminText = { [K in keyof typeof WORDS]: string };

export function componentAdminText(lang: Lang): ComponentAdminText {
  const i = lang === 'ja' ? 0 : 1;
  return Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[i]])) as ComponentAdminText;
}
