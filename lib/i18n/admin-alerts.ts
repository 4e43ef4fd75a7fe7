import type { Lang } from './locales';

// Console wording of the Alertmanager page (/admin/alerts), both languages side by side.
const WORDS = {
  alerts: ['アラート', 'Alerts'],
  intro: [
    'Prometheus Alertmanager から受け取り、いま発生中のアラートです。アラート名・ラベル・概要はスタッフにのみ表示され、お客様には表示されません。コンポーネントの状態はルールが判定し、スタッフの手動設定が優先されます。',
    'Alerts received from Prometheus Alertmanager that are firing now. Alert names, labels and summaries are shown to staff only, never to customers. The rules decide the component status; a status staff set by hand wins.',
  ],
  none: ['発生中のアラートはありません。', 'No alert is firing.'],
  component: ['コンポーネント', 'Component'],
  status: ['現在の状態', 'Current status'],
  overridden: ['手動設定', 'set by staff'],
  alertName: ['アラート名', 'Alert'],
  level: ['示す状態', 'Asserts'],
  summary: ['概要', 'Summary'],
  labels: ['ラベル', 'Labels'],
  since: ['発生', 'Since'],
  lastNotified: ['最終通知', 'Last notified'],
  notifications: ['最近の通知', 'Recent notifications'],
  received: ['受信', 'Received'],
  key: ['APIキー', 'API key'],
  applied: ['適用', 'Applied'],
  ignored: ['無視', 'Ignored'],
  unknownComponents: ['該当しないコンポーネント', 'Unknown components'],
  noNotifications: ['まだ通知を受け取っていません。', 'No notification received yet.'],
} satisfies Record<string, [string, string]>;

export type AlertWords = { [K in keyof typeof WORDS]: string };

export function alertText(lang: Lang): AlertWords {
  const i = lang === 'ja' ? 0 : 1;
  return Object.fromEntries(Object.entries(WORDS).map(([k, v]) => [k, v[i]])) as AlertWords;
}
