import type { Lang } from '../i18n/locales';
import type { ProbeProblem } from './schema';

// What is wrong with a probe's settings, in both languages (the console's field errors).

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
