import type { Lang } from './locales';

// Public wording for the collapsible component groups, the maintenance calendar and the monthly
// uptime report, both languages side by side.
const MESSAGES = {
  ja: {
    groupCount: (n: number) => `${n}件のサービス`,
    calendarLink: 'メンテナンス予定をカレンダーに登録（iCalendar）',
    calendarName: (site: string, component?: string) => `${site} メンテナンス予定${component ? `（${component}）` : ''}`,
    uptimeReportLink: '月間稼働率レポート',
    uptimeHeading: (month: string) => `${month} の稼働率`,
    uptimeIntro: '各サービスの稼働率は、ステータスページの稼働率バーと同じ方法で計算しています（大規模障害は全時間、部分的障害は30%を停止として数え、メンテナンス中とデータのない時間は含めません）。',
    monthLabel: (y: number, m: number) => `${y}年${m}月`,
    component: 'サービス',
    uptime: '稼働率',
    covered: '対象時間',
    minutesAffected: '影響のあった時間',
    incidents: '対象となった障害',
    noIncidents: 'なし',
    noDataYet: 'この月はまだ記録がありません（記録はこれより後に始まっています）。',
    noDataComponent: 'データなし',
    csv: 'CSVでダウンロード',
    previous: '前の月',
    next: '次の月',
    hours: (minutes: number) => `${Math.floor(minutes / 60)}時間${minutes % 60}分`,
    csvHeader: ['サービス', 'スラッグ', '稼働率(%)', '対象時間(分)', '影響時間(分)', '対象となった障害'],
  },
  en: {
    groupCount: (n: number) => `${n} ${n === 1 ? 'component' : 'components'}`,
    calendarLink: 'Add scheduled maintenance to your calendar (iCalendar)',
    calendarName: (site: string, component?: string) => `${site} scheduled maintenance${component ? ` (${component})` : ''}`,
    uptimeReportLink: 'Monthly uptime report',
    uptimeHeading: (month: string) => `Uptime in ${month}`,
    uptimeIntro:
      'Each figure is computed as the status page’s uptime bars are: a major outage counts fully as downtime, a partial outage at 30 %, maintenance and time without data not at all.',
    monthLabel: (y: number, m: number) => new Date(Date.UTC(y, m - 1, 15)).toLocaleDateString('en-GB', { year: 'numeric', month: 'long', timeZone: 'UTC' }),
    component: 'Component',
    uptime: 'Uptime',
    covered: 'Time covered',
    minutesAffected: 'Time affected',
    incidents: 'Incidents that counted',
    noIncidents: 'None',
    noDataYet: 'Nothing was recorded in this month yet: the records begin later.',
    noDataComponent: 'No data',
    csv: 'Download as CSV',
    previous: 'Previous month',
    next: 'Next month',
    hours: (minutes: number) => `${Math.floor(minutes / 60)} h ${minutes % 60} min`,
    csvHeader: ['Component', 'Slug', 'Uptime (%)', 'Minutes covered', 'Minutes affected', 'Incidents that counted'],
  },
} as const;

export function componentPageMessages(lang: Lang) {
  return MESSAGES[lang];
}
