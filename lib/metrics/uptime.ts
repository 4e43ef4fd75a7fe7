import { formatInTimeZone } from 'date-fns-tz';
import { RECORDED_STATUSES, type RecordedStatus, type UptimeCoverage } from '../status/types';
import { bucketStart } from './resolutions';

// Uptime per day from a component's status history. Weighted as Statuspage does: a major outage
// counts fully as downtime, a partial outage at 30 %, slowness and maintenance not at all. Time
// before the component existed and time without data are left out, so the figure can cover far
// less than the 90 days of the bars: the result says how much it covers, and everything that shows
// the figure says so too (lib/metrics/uptime-text.ts).

export type DayStatus = RecordedStatus;

export interface StatusChange {
  status: string;
  at: Date;
}

export interface UptimeIncident {
  slug: string;
  titleJa: string;
  titleEn: string;
  startedAt: Date;
  resolvedAt: Date | null;
}

export interface UptimeDay {
  /** yyyy-MM-dd in the site's time zone */
  date: string;
  /** Worst status of the day, or null when nothing is known about the day. */
  worst: DayStatus | null;
  /** Minutes not operational (maintenance and "no data" excluded). */
  minutesAffected: number;
  incidents: { slug: string; titleJa: string; titleEn: string }[];
}

/**
 * What the figure is computed over. `whole_period`: every minute of the period is known.
 * `recent`: the known part runs without a gap from `coveredFrom` until now, e.g. a component
 * added 43 minutes ago ("over the last 43 minutes"). `with_gaps`: some time in between, or the
 * latest stretch, has no data ("over the 86 days with data"). `none`: nothing is known.
 */
export type { UptimeCoverage };

export interface UptimeComponent {
  slug: string;
  /** Percentage over the known part of the period, two decimals; null when nothing is known. */
  uptimePercent: number | null;
  /** Calendar days in the period (the bars). */
  periodDays: number;
  /** Whole minutes the figure is computed over: the period less unknown time and time without data. */
  coveredMinutes: number;
  /** ISO time the earliest of those minutes began; null when nothing is known. */
  coveredFrom: string | null;
  coverage: UptimeCoverage;
  days: UptimeDay[];
}

const SEVERITY = Object.fromEntries(RECORDED_STATUSES.map((status, rank) => [status, rank])) as Record<DayStatus, number>;
const DOWNTIME_WEIGHT: Partial<Record<DayStatus, number>> = { major_outage: 1, partial_outage: 0.3 };

function asDayStatus(status: string): DayStatus {
  return status in SEVERITY ? (status as DayStatus) : 'operational';
}

export interface CalendarDay {
  start: number;
  /** Start of the next day. */
  next: number;
  /** yyyy-MM-dd in the site's time zone */
  date: string;
}

/**
 * The calendar days of the period in the site's zone (23 or 25 hours across a DST change).
 * Computed once per request and shared by every component: zone arithmetic is the costly part.
 */
let memo: { key: string; days: CalendarDay[] } | null = null;

export function calendarDays(from: Date, days: number, timeZone: string): CalendarDay[] {
  // The period only moves at midnight: most calls are for the same one.
  const key = `${from.getTime()}:${days}:${timeZone}`;
  if (memo?.key === key) return memo.days;
  const out: CalendarDay[] = [];
  let start = from.getTime();
  for (let d = 0; d < days; d++) {
    const next = bucketStart(new Date(start + 36 * 3_600_000), '1d', timeZone).getTime();
    out.push({ start, next, date: formatInTimeZone(new Date(start), timeZone, 'yyyy-MM-dd') });
    start = next;
  }
  memo = { key, days: out };
  return out;
}

export function computeUptime(input: {
  slug: string;
  createdAt: Date;
  changes: StatusChange[];
  incidents: UptimeIncident[];
  from: Date;
  days: number;
  now: Date;
  timeZone: string;
  calendar?: CalendarDay[];
}): UptimeComponent {
  const { changes, from, days, now, timeZone } = input;
  const calendar = input.calendar ?? calendarDays(from, days, timeZone);
  const nowMs = now.getTime();
  // Status intervals: [start, end) with a status; before the first change nothing is known.
  const intervals: { start: number; end: number; status: DayStatus }[] = [];
  for (let i = 0; i < changes.length; i++) {
    const start = Math.max(changes[i].at.getTime(), input.createdAt.getTime());
    const end = i + 1 < changes.length ? changes[i + 1].at.getTime() : nowMs;
    if (end > start) intervals.push({ start, end, status: asDayStatus(changes[i].status) });
  }

  let knownMs = 0;
  let downMs = 0;
  // The known stretch's ends, to tell one unbroken stretch up to now from one with gaps.
  let knownStart = Infinity;
  let knownEnd = -Infinity;
  const result: UptimeDay[] = [];
  for (const day of calendar) {
    const dayStart = day.start;
    const dayEnd = Math.min(day.next, nowMs);
    let worst: DayStatus | null = null;
    let affectedMs = 0;
    for (const iv of intervals) {
      const s = Math.max(iv.start, dayStart);
      const e = Math.min(iv.end, dayEnd);
      if (e <= s) continue;
      if (worst === null || SEVERITY[iv.status] > SEVERITY[worst]) worst = iv.status;
      if (iv.status !== 'no_data') {
        knownMs += e - s;
        knownStart = Math.min(knownStart, s);
        knownEnd = Math.max(knownEnd, e);
      }
      downMs += (e - s) * (DOWNTIME_WEIGHT[iv.status] ?? 0);
      if (iv.status !== 'operational' && iv.status !== 'under_maintenance' && iv.status !== 'no_data') affectedMs += e - s;
    }
    const incidents = input.incidents
      .filter((i) => i.startedAt.getTime() < dayEnd && (i.resolvedAt?.getTime() ?? nowMs) >= dayStart)
      .map(({ slug, titleJa, titleEn }) => ({ slug, titleJa, titleEn }));
    result.push({ date: day.date, worst, minutesAffected: Math.round(affectedMs / 60_000), incidents });
  }
  const periodStart = calendar[0]?.start ?? nowMs;
  const periodEnd = Math.min(calendar.at(-1)?.next ?? nowMs, nowMs);
  return {
    slug: input.slug,
    uptimePercent: knownMs > 0 ? Math.floor((1 - downMs / knownMs) * 10_000) / 100 : null,
    periodDays: calendar.length,
    coveredMinutes: Math.floor(knownMs / 60_000),
    coveredFrom: knownMs > 0 ? new Date(knownStart).toISOString() : null,
    coverage: coverageOf(knownMs, knownStart, knownEnd, periodStart, periodEnd),
    days: result,
  };
}

function coverageOf(knownMs: number, knownStart: number, knownEnd: number, periodStart: number, periodEnd: number): UptimeCoverage {
  if (knownMs <= 0) return 'none';
  if (knownMs >= periodEnd - periodStart) return 'whole_period';
  // Intervals never overlap, so a stretch as long as its ends are apart has no gap in it.
  return knownEnd === periodEnd && knownEnd - knownStart === knownMs ? 'recent' : 'with_gaps';
}
