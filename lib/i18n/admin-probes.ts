import type { ProbeProblem } from '../probes/schema';
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

const PROBLEMS: Record<ProbeProblem, [string, string]> = {
  kind: ['種類を選んでください。', 'Choose a kind.'],
  targetNoHost: ['ホスト名がありません。', 'The target has no host.'],
  targetBadHost: ['ホスト名が正しくありません（英数字・ハイフン・ドット、またはIPアドレス）。', 'The host is not a valid name or IP address.'],
  targetBadPort: ['ポート番号が正しくありません（1〜65535）。', 'The port is not a number from 1 to 65535.'],
  targetNoPort: ['ポート番号を指定してください（ホスト:ポート）。', 'Give a port (host:port).'],
  targetNotUrl: ['URLではありません（http:// または https:// で始めてください）。', 'This is not a URL: start it with http:// or https://.'],
  targetScheme: ['この種類では使えない形式です（HTTPは http:// または https:// のURL、ほかは ホスト:ポート）。', 'Wrong scheme: HTTP takes an http:// or https:// URL, the other kinds host:port.'],
  targetNotDnsName: ['DNS名ではありません（例: www.example.jp）。', 'This is not a DNS name (e.g. www.example.jp).'],
  expectStatus: ['ステータスコードは 200、200-399、200,204 のように指定してください。', 'Give status codes as 200, 200-399 or 200,204.'],
  tooLong: ['長すぎます。', 'Too long.'],
  certMinDays: ['証明書の日数は0〜3650の整数にしてください。', 'Certificate days must be a whole number from 0 to 3650.'],
  resolver: ['問い合わせ先はIPアドレス（:ポート）で指定してください。', 'The resolver must be an IP address, optionally with :port.'],
  recordType: ['レコード種別は A、AAAA、CNAME、MX、TXT のいずれかです。', 'The record type must be A, AAAA, CNAME, MX or TXT.'],
  tlsMode: ['TLSの指定が正しくありません。', 'Choose a TLS mode.'],
  passwordWithoutUser: ['パスワードを使うにはユーザー名も入力してください。', 'A password needs a user name.'],
  interval: ['間隔は10〜86400秒の整数にしてください。', 'The interval must be a whole number of seconds from 10 to 86400.'],
  timeout: ['タイムアウトは1〜120秒の整数にしてください。', 'The timeout must be a whole number of seconds from 1 to 120.'],
  timeoutAboveInterval: ['タイムアウトは間隔より短くしてください。', 'The timeout must be shorter than the interval.'],
  locations: ['拠点名は英数字・ハイフン・下線で、カンマ区切り（20件まで）です。', 'Locations are letters, digits, "-" and "_", comma-separated (20 at most).'],
  failureStatus: ['失敗時の状態を選んでください。', 'Choose the status when failing.'],
  degradedAboveMs: ['応答時間の閾値は1〜600000 msの整数にしてください。', 'The latency threshold must be a whole number of ms from 1 to 600000.'],
  confirmations: ['連続回数は1〜10にしてください。', 'Confirmations must be from 1 to 10.'],
  component: ['コンポーネントを選んでください。', 'Choose a component.'],
};

export function probeProblemText(problem: ProbeProblem, lang: Lang): string {
  return PROBLEMS[problem][lang === 'ja' ? 0 : 1];
}
