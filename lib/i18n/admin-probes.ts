import type { Lang } from './locales';

// Console wording of built-in probes (app/admin/probes), both languages side by side.
const WORDS = {
  probes: ['監視', 'Probes'],
  intro: [
    'サーバーを定期的に確認し、その結果でコンポーネントの状態を自動で切り替えます。確認はワーカーが行います。対象にはプライベートアドレスも指定できます（この画面はスタッフ専用です）。',
    'Checks the worker runs against your servers; their results set the component’s status through the rules. Targets may be private addresses (this console is staff-only).',
  ],
  component: ['コンポーネント', 'Component'],
  name: ['名前', 'Name'],
  kind: ['種類', 'Kind'],
  target: ['対象', 'Target'],
  targetHint: [
    'HTTP: URL（https://…）、TCP: ホスト:ポート、DNS: 名前、SMTP/IMAP/POP3: ホスト[:ポート]',
    'HTTP: a URL (https://…); TCP: host:port; DNS: a name; SMTP/IMAP/POP3: host[:port]',
  ],
  interval: ['間隔（秒）', 'Interval (s)'],
  timeout: ['タイムアウト（秒）', 'Timeout (s)'],
  locations: ['実行する拠点（カンマ区切り、空欄はすべて）', 'Locations (comma-separated; empty: all)'],
  failureStatus: ['失敗時の状態', 'Status when failing'],
  degradedAboveMs: ['この応答時間（ms）を超えたら「性能低下」', 'Degraded above this latency (ms)'],
  confirmations: ['失敗と判断するまでの連続回数', 'Failed runs in a row before it counts'],
  enabled: ['有効', 'Enabled'],
  disabled: ['無効', 'Disabled'],
  expectStatus: ['期待するステータスコード（例: 200-399, 200,204）', 'Expected status (e.g. 200-399, 200,204)'],
  keyword: ['キーワード', 'Keyword'],
  keywordAbsent: ['キーワードが「含まれない」ことを確認', 'The keyword must NOT appear'],
  certMinDays: ['証明書の残り日数がこれ未満なら失敗（0: 確認しない）', 'Fail when the certificate has fewer days left (0: off)'],
  tlsVerify: ['証明書を検証する', 'Verify the certificate'],
  recordType: ['レコード種別', 'Record type'],
  expected: ['期待する値（空欄: 何か返れば成功）', 'Expected value (empty: any answer)'],
  resolver: ['問い合わせ先（アドレス:ポート、空欄: システム設定）', 'Resolver (address:port; empty: the system’s)'],
  tls: ['TLS', 'TLS'],
  tlsNone: ['なし', 'None'],
  tlsStarttls: ['STARTTLS', 'STARTTLS'],
  tlsImplicit: ['最初からTLS', 'Implicit TLS'],
  user: ['ログインユーザー（空欄: バナーのみ確認）', 'Login user (empty: banner only)'],
  password: ['パスワード', 'Password'],
  passwordKept: ['空欄のままなら保存済みのパスワードを使います。', 'Leave empty to keep the stored password.'],
  latest: ['最新の結果', 'Latest result'],
  latency: ['応答時間', 'Latency'],
  uptime24h: ['24時間の成功率', 'Uptime (24 h)'],
  ok: ['成功', 'OK'],
  failed: ['失敗', 'Failed'],
  never: ['未実行', 'Not run yet'],
  add: ['監視を追加', 'Add probe'],
  save: ['保存', 'Save'],
  edit: ['編集', 'Edit'],
  delete: ['削除', 'Delete'],
  disable: ['無効にする', 'Disable'],
  enable: ['有効にする', 'Enable'],
  testNow: ['今すぐテスト（保存しません）', 'Test now (not stored)'],
  testResult: ['テスト結果', 'Test result'],
  empty: ['監視はまだありません。', 'No probes yet.'],
  saved: ['保存しました。', 'Saved.'],
  deleted: ['削除しました。', 'Deleted.'],
  notFound: ['この監視は見つかりません。', 'This probe was not found.'],
  fixErrors: ['入力内容を確認してください。', 'Please correct the fields below.'],
  allComponents: ['すべてのコンポーネント', 'All components'],
  filter: ['絞り込む', 'Filter'],
  cancel: ['戻る', 'Back'],
  detail: ['詳細', 'Detail'],
  at: ['日時', 'At'],
  location: ['拠点', 'Location'],
  certDaysLeft: ['証明書の残り日数', 'Certificate days left'],
} satisfies Record<string, [string, string]>;

export type ProbeWords = { [K in keyof typeof WORDS]: string };

export function probeText(lang: Lang): ProbeWords {
  const i = lang === 'ja' ? 0 : 1;
  return Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[i]])) as ProbeWords;
}
