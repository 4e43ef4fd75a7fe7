import { formatInTimeZone } from 'date-fns-tz';
import { enUS, ja } from 'date-fns/locale';
import type { Lang } from '../i18n/locales';

export type Precision = 'minute' | 'day';

const PATTERNS: Record<Lang, Record<Precision, string>> = {
  // The Japanese way: 2014年12月2日(火) 11:00
  ja: { minute: 'yyyy年M月d日(EEE) HH:mm', day: 'yyyy年M月d日(EEE)' },
  en: { minute: 'EEE, MMM d, yyyy HH:mm', day: 'EEE, MMM d, yyyy' },
};

export function formatDateTime(date: Date, lang: Lang, timeZone: string, precision: Precision = 'minute'): string {
  const text = formatInTimeZone(date, timeZone, PATTERNS[lang][precision], { locale: lang === 'ja' ? ja : enUS });
  if (lang === 'en' && precision === 'minute') return `${text} ${zoneLabel(date, timeZone)}`;
  return text;
}

export function formatMonth(date: Date, lang: Lang, timeZone: string): string {
  return formatInTimeZone(date, timeZone, lang === 'ja' ? 'yyyy年M月' : 'MMMM yyyy', { locale: lang === 'ja' ? ja : enUS });
}

/** ISO 8601 with the offset of the site's time zone, for <time datetime>: 2014-12-02T11:00:00+09:00 */
export function isoInZone(date: Date, timeZone: string, precision: Precision = 'minute'): string {
  return formatInTimeZone(date, timeZone, precision === 'day' ? 'yyyy-MM-dd' : "yyyy-MM-dd'T'HH:mm:ssXXX");
}

/** Month key (yyyy-MM) in the site's time zone, for grouping history. */
export function monthKey(date: Date, timeZone: string): string {
  return formatInTimeZone(date, timeZone, 'yyyy-MM');
}

function zoneLabel(date: Date, timeZone: string): string {
  if (timeZone === 'Asia/Tokyo') return 'JST';
  return formatInTimeZone(date, timeZone, 'zzz', { locale: enUS });
}
