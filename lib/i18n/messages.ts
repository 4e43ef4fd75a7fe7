import type { IndicatorDescription } from '../status/indicator';
import type { ComponentStatus, IncidentImpact, IncidentStatus, UptimeCoverage } from '../status/types';
import type { Lang } from './locales';

export interface Messages {
  siteTagline: string;
  skipToContent: string;
  languageSwitch: string;
  otherLanguageName: string;
  overall: Record<IndicatorDescription, string>;
  componentStatus: Record<ComponentStatus, string>;
  incidentStatus: Record<IncidentStatus, string>;
  impact: Record<IncidentImpact, string>;
  impactLabel: string;
  componentsHeading: string;
  unresolvedHeading: string;
  recentHeading: string;
  /** `ongoing`: an incident is listed as ongoing right above, so "no incidents" would contradict it. */
  noRecentIncidents: (days: number, ongoing: boolean) => string;
  historyHeading: string;
  historyLink: string;
  historyEmpty: string;
  page: (n: number, total: number) => string;
  previousPage: string;
  nextPage: string;
  latestUpdate: string;
  summaryHeading: string;
  period: string;
  ongoing: string;
  affectedComponents: string;
  currentStatus: string;
  maxDelay: string;
  minutes: (n: number) => string;
  timelineHeading: string;
  reportHeading: string;
  windowsHeading: string;
  windowColumns: { start: string; end: string; maxDelay: string };
  notStated: string;
  backToStatus: string;
  notFoundTitle: string;
  notFoundBody: string;
  lastUpdated: string;
  translationMissing: string;
  poweredBy: string;
  noData: string;
  currentDelay: string;
  uptimeLabel: (days: number) => string;
  /** The figure with what it covers: the whole period, the last stretch, or the days with data. */
  uptimeFigure: (pct: number, coverage: Exclude<UptimeCoverage, 'none'>, coveredMinutes: number) => string;
  /** The figure's hover/focus text: what it is computed over, and how. */
  uptimeCovers: (coverage: Exclude<UptimeCoverage, 'none'>, coveredMinutes: number, periodDays: number) => string;
  uptimeRecordsSince: string;
  uptimeWeighting: string;
  uptimeUnknown: string;
  daysAgo: (days: number) => string;
  today: string;
  /** Chart titles per mail flow: inbound (メール受信) or outbound (メール送信). */
  delayChartTitle: (range: string, flow?: 'inbound' | 'outbound') => string;
  queueChartTitle: (range: string, flow?: 'inbound' | 'outbound') => string;
  ranges: Record<'24h' | '7d' | '30d', string>;
  /** Heading over a period's charts (each chart has its own title). */
  mailChartsHeading: (range: string, flow?: 'inbound' | 'outbound') => string;
  componentDetails: string;
  incidentChartTitle: string;
  noDataExplained: string;
  maintenanceHeading: string;
  maintenanceStatus: { scheduled: string; in_progress: string; verifying: string; completed: string };
}

// How long the uptime figure covers: minutes up to two hours, hours up to two days, then days
// (hours and days to the nearest one).
function span(minutes: number): { n: number; unit: 'minute' | 'hour' | 'day' } {
  if (minutes < 120) return { n: minutes, unit: 'minute' };
  if (minutes < 2 * 1440) return { n: Math.round(minutes / 60), unit: 'hour' };
  return { n: Math.round(minutes / 1440), unit: 'day' };
}

/** 43分 / 5時間 / 3日; with `duration`, the length of a stretch: 43分間 / 5時間 / 3日間. */
function jaSpan(minutes: number, duration: boolean): string {
  const { n, unit } = span(minutes);
  if (unit === 'hour') return `${n}時間`;
  return `${n}${unit === 'minute' ? '分' : '日'}${duration ? '間' : ''}`;
}

function enSpan(minutes: number): string {
  const { n, unit } = span(minutes);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const ja: Messages = {
  siteTagline: 'サービスの稼働状況と障害情報',
  skipToContent: '本文へ移動',
  languageSwitch: '言語',
  otherLanguageName: 'English',
  overall: {
    all_operational: '全サービス正常',
    partially_degraded: '一部サービスで性能が低下しています',
    minor_outage: '一部サービスで障害が発生しています',
    partial_outage: '一部システムで障害が発生しています',
    major_outage: '大規模な障害が発生しています',
    maintenance: 'メンテナンス中',
  },
  componentStatus: {
    operational: '正常',
    degraded_performance: 'パフォーマンス低下',
    partial_outage: '一部障害',
    major_outage: '重大な障害',
    under_maintenance: 'メンテナンス中',
  },
  incidentStatus: {
    investigating: '調査中',
    identified: '原因特定',
    monitoring: '経過観察中',
    resolved: '復旧',
    postmortem: '障害報告',
  },
  impact: { none: '影響なし', minor: '軽微', major: '重大', critical: '深刻' },
  impactLabel: '影響度',
  componentsHeading: 'サービスの状態',
  unresolvedHeading: '発生中の障害',
  recentHeading: '最近の障害情報',
  noRecentIncidents: (days, ongoing) => (ongoing ? `発生中の障害のほかに、過去${days}日間の障害はありません。` : `過去${days}日間に障害はありません。`),
  historyHeading: '障害履歴',
  historyLink: 'すべての障害履歴',
  historyEmpty: '障害の記録はありません。',
  page: (n, total) => `${total}ページ中${n}ページ目`,
  previousPage: '前のページ',
  nextPage: '次のページ',
  latestUpdate: '最新の情報',
  summaryHeading: '概要',
  period: '期間',
  ongoing: '継続中',
  affectedComponents: '影響を受けたサービス',
  currentStatus: '現在の状況',
  maxDelay: '最大遅延',
  minutes: (n) => (n >= 60 ? `${Math.floor(n / 60)}時間${n % 60 ? `${n % 60}分` : ''}` : `${n}分`),
  timelineHeading: '経緯',
  reportHeading: '障害報告',
  windowsHeading: '障害の発生時間帯',
  windowColumns: { start: '開始', end: '終了', maxDelay: '最大遅延' },
  notStated: '記載なし',
  backToStatus: 'ステータスページへ戻る',
  notFoundTitle: 'ページが見つかりません',
  notFoundBody: 'お探しのページは存在しないか、移動した可能性があります。',
  lastUpdated: '最終更新',
  translationMissing: '',
  poweredBy: 'Tayori で運営しています',
  noData: 'データなし',
  currentDelay: '現在の遅延',
  uptimeLabel: (days) => `過去${days}日間の稼働状況`,
  uptimeFigure: (pct, coverage, minutes) => {
    const figure = `稼働率 ${pct.toFixed(2)} %`;
    if (coverage === 'whole_period') return figure;
    return coverage === 'recent' ? `${figure}（直近${jaSpan(minutes, false)}）` : `${figure}（データのある${jaSpan(minutes, true)}）`;
  },
  uptimeCovers: (coverage, minutes, days) =>
    coverage === 'whole_period'
      ? `過去${days}日間のすべての時間で計算しています。`
      : coverage === 'recent'
        ? `記録のある直近${jaSpan(minutes, false)}で計算しています。それより前の記録はありません。`
        : `データのある${jaSpan(minutes, true)}で計算しています。データのない時間は含めていません。`,
  uptimeRecordsSince: '記録の開始',
  uptimeWeighting: '重大な障害の時間はすべて、一部障害の時間は30 %を停止として数えます。パフォーマンス低下とメンテナンスの時間は停止に数えません。',
  uptimeUnknown: '記録なし',
  daysAgo: (days) => `${days}日前`,
  today: '今日',
  delayChartTitle: (range, flow = 'inbound') => `${flow === 'outbound' ? 'メール送信' : 'メール受信'}の遅延（${range}）`,
  queueChartTitle: (range, flow = 'inbound') => `${flow === 'outbound' ? '送信待ち' : '配送待ち'}のメール（${range}）`,
  ranges: { '24h': '24時間', '7d': '7日間', '30d': '30日間' },
  mailChartsHeading: (range, flow = 'inbound') => `${flow === 'outbound' ? 'メール送信' : 'メール受信'}の状況（${range}）`,
  componentDetails: '詳細',
  incidentChartTitle: '障害発生時のメール配送遅延',
  noDataExplained: '計測データが3分以上届いていません。状態を確認できません。',
  maintenanceHeading: 'メンテナンス情報',
  maintenanceStatus: { scheduled: '予定', in_progress: '実施中', verifying: '確認中', completed: '完了' },
};

const en: Messages = {
  siteTagline: 'Service status and incident reports',
  skipToContent: 'Skip to content',
  languageSwitch: 'Language',
  otherLanguageName: '日本語',
  overall: {
    all_operational: 'All Systems Operational',
    partially_degraded: 'Partially Degraded Service',
    minor_outage: 'Minor Service Outage',
    partial_outage: 'Partial System Outage',
    major_outage: 'Major System Outage',
    maintenance: 'Service Under Maintenance',
  },
  componentStatus: {
    operational: 'Operational',
    degraded_performance: 'Degraded performance',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
    under_maintenance: 'Under maintenance',
  },
  incidentStatus: {
    investigating: 'Investigating',
    identified: 'Identified',
    monitoring: 'Monitoring',
    resolved: 'Resolved',
    postmortem: 'Postmortem',
  },
  impact: { none: 'None', minor: 'Minor', major: 'Major', critical: 'Critical' },
  impactLabel: 'Impact',
  componentsHeading: 'Service status',
  unresolvedHeading: 'Ongoing incidents',
  recentHeading: 'Recent incidents',
  noRecentIncidents: (days, ongoing) => (ongoing ? `No other incidents in the last ${days} days.` : `No incidents in the last ${days} days.`),
  historyHeading: 'Incident history',
  historyLink: 'Full incident history',
  historyEmpty: 'No incidents recorded.',
  page: (n, total) => `Page ${n} of ${total}`,
  previousPage: 'Previous page',
  nextPage: 'Next page',
  latestUpdate: 'Latest update',
  summaryHeading: 'Summary',
  period: 'Period',
  ongoing: 'ongoing',
  affectedComponents: 'Affected services',
  currentStatus: 'Current status',
  maxDelay: 'Maximum delay',
  minutes: (n) => (n >= 60 ? `${Math.floor(n / 60)} h${n % 60 ? ` ${n % 60} min` : ''}` : `${n} min`),
  timelineHeading: 'Timeline',
  reportHeading: 'Incident report',
  windowsHeading: 'When it happened',
  windowColumns: { start: 'Start', end: 'End', maxDelay: 'Maximum delay' },
  notStated: 'not stated',
  backToStatus: 'Back to the status page',
  notFoundTitle: 'Page not found',
  notFoundBody: 'The page you are looking for does not exist or has moved.',
  lastUpdated: 'Last updated',
  translationMissing: 'This report is available in Japanese only.',
  poweredBy: 'Powered by Tayori',
  noData: 'No data',
  currentDelay: 'Current delay',
  uptimeLabel: (days) => `status over the past ${days} days`,
  uptimeFigure: (pct, coverage, minutes) => {
    const figure = `${pct.toFixed(2)} % uptime`;
    if (coverage === 'whole_period') return figure;
    return coverage === 'recent' ? `${figure} over the last ${enSpan(minutes)}` : `${figure} over the ${enSpan(minutes)} with data`;
  },
  uptimeCovers: (coverage, minutes, days) =>
    coverage === 'whole_period'
      ? `Computed over every minute of the past ${days} days.`
      : coverage === 'recent'
        ? `Computed over the last ${enSpan(minutes)}, the time with records; there are no earlier records.`
        : `Computed over the ${enSpan(minutes)} with data; time without data is left out.`,
  uptimeRecordsSince: 'Records begin',
  uptimeWeighting: 'Major outages count fully as downtime and partial outages at 30 %; degraded performance and maintenance do not count as downtime.',
  uptimeUnknown: 'no record',
  daysAgo: (days) => `${days} days ago`,
  today: 'Today',
  delayChartTitle: (range, flow = 'inbound') => `${flow === 'outbound' ? 'Mail sending' : 'Mail reception'} delay (${range})`,
  queueChartTitle: (range, flow = 'inbound') => `${flow === 'outbound' ? 'Outgoing messages' : 'Messages'} waiting for delivery (${range})`,
  ranges: { '24h': '24 hours', '7d': '7 days', '30d': '30 days' },
  mailChartsHeading: (range, flow = 'inbound') => `${flow === 'outbound' ? 'Mail sending' : 'Mail reception'} (${range})`,
  componentDetails: 'Details',
  incidentChartTitle: 'Mail delivery delay during the incident',
  noDataExplained: 'No measurements for over 3 minutes: the status cannot be confirmed.',
  maintenanceHeading: 'Scheduled maintenance',
  maintenanceStatus: { scheduled: 'Scheduled', in_progress: 'In progress', verifying: 'Verifying', completed: 'Completed' },
};

export const MESSAGES: Record<Lang, Messages> = { ja, en };

export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}
