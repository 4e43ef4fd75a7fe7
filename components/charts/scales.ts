import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import type { Lang } from '@/lib/i18n/locales';

// Where things go on the charts, as fractions of the plot (0 = top or left, 1 = bottom or right),
// so the SVG lines and the HTML labels around them share one set of numbers.

/** Room above the highest gridline, so a line at the top of the scale is not cut by the frame. */
const HEADROOM = 0.06;
const fromTop = (ratio: number) => HEADROOM + (1 - HEADROOM) * (1 - ratio);

export interface Axis {
  ticks: number[];
  /** Vertical position of a value: 0 at the top of the plot, 1 at the bottom. */
  y: (value: number) => number;
}

/** Gridlines of the delay axis in seconds: decades below a minute, then steps people say aloud. */
const DELAY_TICKS = [0.01, 0.1, 1, 10, 60, 600, 3600, 4 * 3600, 86_400];
/** The lowest line is 0.1 s, or 0.01 s when the data comes near it; below 0.01 s is drawn on it. */
const DELAY_FLOOR = { usual: 0.1, lowest: 0.01 };
/** At least up to a minute: a quiet day then reads as "well under a minute", not as a wall of noise. */
const DELAY_MIN_TOP = 60;

/**
 * A log scale for mail delay that covers the data: from a decade at least half a decade below the
 * smallest value (so healthy sub-second delays are drawn clearly above the lowest gridline, not on
 * or under it) to the first gridline at or above the largest.
 */
export function delayAxis(values: readonly number[]): Axis {
  const measured = values.filter((v) => v > 0 && Number.isFinite(v));
  const smallest = measured.length ? Math.min(...measured) : DELAY_FLOOR.usual * 10;
  const largest = measured.length ? Math.max(...measured) : 0;
  const decadeBelow = 10 ** Math.floor(Math.log10(smallest) - 0.5);
  const bottom = Math.min(DELAY_FLOOR.usual, Math.max(DELAY_FLOOR.lowest, decadeBelow));
  const wanted = Math.max(largest, DELAY_MIN_TOP);
  const top = DELAY_TICKS.find((t) => t >= wanted) ?? wanted;
  const span = Math.log10(top) - Math.log10(bottom);
  return {
    ticks: DELAY_TICKS.filter((t) => t >= bottom && t <= top),
    y: (v) => fromTop((Math.log10(Math.min(top, Math.max(bottom, v))) - Math.log10(bottom)) / span),
  };
}

/** A linear scale from 0 to a round number (1, 2 or 5 times a power of ten) at or above the peak. */
export function countAxis(peak: number, minTop = 10): Axis {
  const wanted = Math.max(peak, minTop);
  const power = 10 ** Math.floor(Math.log10(wanted));
  const top = [1, 2, 5, 10].map((m) => m * power).find((t) => t >= wanted)!;
  return { ticks: [0, top / 2, top], y: (v) => fromTop(Math.min(top, Math.max(0, v)) / top) };
}

/** A delay gridline's label: 0.1秒, 1秒, 10秒, 1分, 10分, 1時間 / 0.1 s, 1 s, 10 s, 1 min, 10 min, 1 h. */
export function formatDelayTick(seconds: number, lang: Lang): string {
  const [n, ja, en] =
    seconds < 60
      ? [seconds, '秒', ' s']
      : seconds < 3600
        ? [seconds / 60, '分', ' min']
        : seconds < 86_400
          ? [seconds / 3600, '時間', ' h']
          : [seconds / 86_400, '日', seconds === 86_400 ? ' day' : ' days'];
  const figure = String(Math.round(n * 100) / 100);
  return lang === 'ja' ? `${figure}${ja}` : `${figure}${en}`;
}

/** How long a step of the series is, as a reader says it: 10分 / 10 minutes, 1時間 / hour. */
export function formatStep(seconds: number, lang: Lang): string {
  if (seconds % 3600 === 0) {
    const h = seconds / 3600;
    return lang === 'ja' ? `${h}時間` : h === 1 ? 'hour' : `${h} hours`;
  }
  const m = Math.round(seconds / 60);
  return lang === 'ja' ? `${m}分` : m === 1 ? 'minute' : `${m} minutes`;
}

export interface TimeTick {
  at: Date;
  /** Horizontal position: 0 at the start of the period, 1 at its end. */
  x: number;
  label: string;
  /** Every other label of a crowded axis, left out where the chart is narrow (a phone). */
  minor: boolean;
}

/** More labels than fit side by side on a phone's plot (about 280 CSS px). */
const CROWDED = 6;

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const minutesOfDay = (every: number) => Array.from({ length: 1440 / every }, (_, i) => `${String(Math.floor((i * every) / 60)).padStart(2, '0')}:${String((i * every) % 60).padStart(2, '0')}`);

/** Candidate spacings, finest first; each names the local wall-clock times it puts a tick on in a day. */
const SPACINGS: { ms: number; times: (day: string) => string[] }[] = [
  ...[10, 15, 30, 60, 120, 240, 360, 720].map((every) => {
    const times = minutesOfDay(every);
    return { ms: every * 60_000, times: () => times };
  }),
  { ms: DAY_MS, times: () => ['00:00'] },
  { ms: 2 * DAY_MS, times: (day: string) => (dayNumber(day) % 2 === 0 ? ['00:00'] : []) },
  // Weeks start on Monday, as on Japanese business calendars.
  { ms: 7 * DAY_MS, times: (day: string) => (new Date(`${day}T00:00:00Z`).getUTCDay() === 1 ? ['00:00'] : []) },
];

/** The calendar days (yyyy-MM-dd) in `timeZone` that overlap [from, to]. */
function localDays(from: number, to: number, timeZone: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${formatInTimeZone(from, timeZone, 'yyyy-MM-dd')}T00:00:00Z`); ; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (fromZonedTime(`${day}T00:00:00`, timeZone).getTime() > to) return days;
    days.push(day);
  }
}

/**
 * Time-axis ticks on round local times in the site's time zone: whole hours for a day, midnights
 * for a week, Mondays for a month; the finest spacing that gives at most `maxTicks` ticks.
 * Midnights are labelled with the date (M/d), other ticks with the time (H:mm).
 */
export function timeTicks(from: Date, to: Date, timeZone: string, maxTicks = 8): TimeTick[] {
  const start = from.getTime();
  const end = to.getTime();
  const days = localDays(start, end, timeZone);
  let ticks: number[] = [];
  for (const spacing of SPACINGS) {
    if ((end - start) / spacing.ms > maxTicks + 1) continue;
    ticks = [];
    for (const day of days) {
      for (const time of spacing.times(day)) {
        const at = fromZonedTime(`${day}T${time}:00`, timeZone).getTime();
        // A wall-clock time skipped by a daylight-saving change does not exist that day.
        if (at >= start && at < end && formatInTimeZone(at, timeZone, 'HH:mm') === time && ticks.at(-1) !== at) ticks.push(at);
      }
    }
    if (ticks.length <= maxTicks) break;
  }
  const times = ticks.map((at) => formatInTimeZone(at, timeZone, 'HH:mm'));
  // A crowded axis keeps the roundest labels: a date, else a whole hour, and every second one from there.
  const anchor = Math.max(0, times.indexOf('00:00') >= 0 ? times.indexOf('00:00') : times.findIndex((t) => t.endsWith(':00')));
  return ticks.map((at, i) => ({
    at: new Date(at),
    x: (at - start) / (end - start),
    label: formatInTimeZone(at, timeZone, times[i] === '00:00' ? 'M/d' : 'H:mm'),
    minor: ticks.length > CROWDED && (i - anchor) % 2 !== 0,
  }));
}
