import type { Lang } from './locales';

// Console wording of API keys, both languages side by side.
const WORDS = {
  title: ['APIキー', 'API keys'],
  intro: [
    '監視システムやスクリプトが書き込みAPI（/api/v1）で障害・メンテナンス・コンポーネントの状態を登録するためのキーです。キーは作成した直後に一度だけ表示されます。',
    'Keys with which monitoring and scripts write incidents, maintenance and component statuses through the write API (/api/v1). A key is shown once, right after it is created.',
  ],
  name: ['名前', 'Name'],
  prefix: ['キーの先頭', 'Key starts with'],
  role: ['権限', 'Role'],
  scope: ['対象コンポーネント', 'Components'],
  allComponents: ['すべて', 'All'],
  scopeHint: ['選ばなければ、すべてのコンポーネントを操作できます。', 'Choose none to allow every component.'],
  createdBy: ['作成者', 'Created by'],
  createdAt: ['作成日時', 'Created'],
  lastUsed: ['最終使用', 'Last used'],
  never: ['未使用', 'Never'],
  revoked: ['失効済み', 'Revoked'],
  revoke: ['失効させる', 'Revoke'],
  revokeConfirm: ['このキーを使うスクリプトは直ちに拒否されます', 'Scripts using this key are refused at once'],
  create: ['キーを作成', 'Create key'],
  newKey: ['新しいキー（この画面を離れると二度と表示されません。今すぐ保存してください）', 'Your new key (it is never shown again once you leave this page: store it now)'],
  empty: ['APIキーはまだありません。', 'No API keys yet.'],
  required: ['入力してください。', 'Required.'],
  unknownComponents: ['存在しないコンポーネントです', 'Unknown components'],
  editorRole: ['editor（障害・メンテナンス・状態）', 'editor (incidents, maintenance, statuses)'],
  adminRole: ['admin（すべて）', 'admin (everything)'],
} satisfies Record<string, [string, string]>;

export type ApiKeyWords = { [K in keyof typeof WORDS]: string };

export function apiKeyText(lang: Lang): ApiKeyWords {
  const i = lang === 'ja' ? 0 : 1;
  return Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[i]])) as ApiKeyWords;
}
