import { formatInTimeZone } from 'date-fns-tz';
import { formatDateTime } from '../dates/format';
import type { Lang } from '../i18n/locales';
import type { NoEstimateReason } from './arrival-estimate';

/** An arrival estimate as the page, the API and the replay read it: times as ISO strings (the data cache stores JSON). */
export interface ArrivalEstimateView {
  asOf: string;
  delayS: number | null;
  reason: NoEstimateReason | null;
  clearsAt: string | null;
  backlog: number;
}

/** Whole minutes, never "about 0 minutes": under a minute is said as such. */
export function delayMinutes(delayS: number): number {
  return Math.max(1, Math.round(delayS / 60));
}

/** HH:MM in the site's time zone; with the date when it is not the day of `from`. */
function clockTime(at: Date, from: Date, lang: Lang, timeZone: string): string {
  const sameDay = formatInTimeZone(at, timeZone, 'yyyy-MM-dd') === formatInTimeZone(from, timeZone, 'yyyy-MM-dd');
  if (!sameDay) return formatDateTime(at, lang, timeZone);
  return formatInTimeZone(at, timeZone, 'HH:mm');
}

/**
 * The estimate in words, e.g. 「いま送信されたメールは約23分後に届く見込みです。滞留は 14:05 ごろに解消する
 * 見込みです。」: the one wording the status page, the incident page and the API's `text` share.
 * No estimate is said as such, never as a number.
 */
export function arrivalEstimateText(lang: Lang, e: ArrivalEstimateView, timeZone: string): string {
  const asOf = new Date(e.asOf);
  if (e.delayS === null) {
    if (lang === 'ja') {
      return e.reason === 'no_drain'
        ? 'メールの処理が進んでいないため、いま送信されたメールが届くまでの時間はまだ見積もれません。'
        : 'いま送信されたメールが届くまでの時間は、まだ見積もれません（測定データが足りません）。';
    }
    return e.reason === 'no_drain'
      ? 'No estimate yet of when mail sent now will arrive: mail is not being processed at the moment.'
      : 'No estimate yet of when mail sent now will arrive (not enough measurements yet).';
  }
  const arrival =
    e.delayS < 60
      ? lang === 'ja'
        ? 'いま送信されたメールは1分以内に届く見込みです。'
        : 'Mail sent now is expected to arrive within a minute.'
      : lang === 'ja'
        ? `いま送信されたメールは約${delayMinutes(e.delayS)}分後に届く見込みです。`
        : `Mail sent now is expected to arrive in about ${delayMinutes(e.delayS)} minute${delayMinutes(e.delayS) === 1 ? '' : 's'}.`;
  let backlog: string;
  if (e.backlog === 0) backlog = lang === 'ja' ? '滞留しているメールはありません。' : 'No mail is waiting.';
  else if (e.clearsAt) {
    const at = clockTime(new Date(e.clearsAt), asOf, lang, timeZone);
    backlog = lang === 'ja' ? `滞留は ${at} ごろに解消する見込みです。` : `The backlog should clear around ${at}.`;
  } else {
    backlog = lang === 'ja' ? '滞留はまだ減っていないため、解消する時刻はまだ見積もれません。' : 'The backlog is not shrinking yet, so there is no estimate of when it clears.';
  }
  return `${arrival}${lang === 'ja' ? '' : ' '}${backlog}`;
}

/** What the estimate rests on, for the line under it: 「14:02 時点の待ち 4,210 通と処理の速さから算出（10秒ごとに更新）」. */
export function arrivalEstimateBasis(lang: Lang, e: ArrivalEstimateView, timeZone: string): string {
  const at = formatInTimeZone(new Date(e.asOf), timeZone, 'HH:mm');
  const n = e.backlog.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US');
  return lang === 'ja'
    ? `${at} 時点の待ち ${n} 通と処理の速さから算出（10秒ごとに更新）`
    : `From the ${n} messages waiting at ${at} and the rate they are processed (updated every 10 seconds)`;
}
