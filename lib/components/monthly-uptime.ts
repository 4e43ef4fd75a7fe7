import 'server-only';
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { db } from '../db';
import { env } from '../env';
import { calendarDays, computeUptime, type StatusChange } from '../metrics/uptime';

// A month's uptime per component, computed by the very function that draws the uptime bars
// (lib/metrics/uptime.ts computeUptime) over the month's calendar days in the site's zone, so the
// report, its CSV and the bars never disagree about a minute.

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface MonthlyIncident {
  slug: string;
  titleJa: string;
  titleEn: string;
}

export interface MonthlyComponentUptime {
  slug: string;
  nameJa: string;
  nameEn: string;
  archived: boolean;
  /** Two decimals, floored as the bars' figure; null when nothing is known of the month. */
  uptimePercent: number | null;
  coveredMinutes: number;
  minutesAffected: number;
  /** Published incidents on this component that overlapped the month, in order of start. */
  incidents: MonthlyIncident[];
}

export interface MonthlyUptime {
  /** yyyy-MM */
  month: string;
  year: number;
  monthNumber: number;
  /** False for a month before anything was recorded: the page says so rather than showing blanks. */
  hasData: boolean;
  /** The month is still running: figures cover it up to now. */
  partial: boolean;
  previous: string;
  /** Null for the current month. */
  next: string | null;
  components: MonthlyComponentUptime[];
}

const pad = (n: number) => String(n).padStart(2, '0');

function shift(year: number, month: number, by: number) {
  const d = new Date(Date.UTC(year, month - 1 + by, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

/** The month's first moment in the site's zone, and its number of days. */
function monthBounds(year: number, month: number, timeZone: string) {
  const from = fromZonedTime(`${year}-${pad(month)}-01T00:00:00`, timeZone);
  const until = fromZonedTime(`${shift(year, month, 1)}-01T00:00:00`, timeZone);
  return { from, until, days: new Date(Date.UTC(year, month, 0)).getUTCDate() };
}

/** The last change before `from` for each component: the status it was in when the month began. */
async function statusAtStart(from: Date) {
  const latest = await db.componentStatusChange.groupBy({ by: ['componentId'], where: { changedAt: { lt: from } }, _max: { changedAt: true } });
  if (!latest.length) return [];
  return db.componentStatusChange.findMany({
    where: { OR: latest.map((l) => ({ componentId: l.componentId, changedAt: l._max.changedAt! })) },
    select: { componentId: true, newStatus: true, changedAt: true },
  });
}

/** Null for a malformed month or one that has not begun. */
export async function monthlyUptime(month: string, now = new Date(), timeZone = env.SITE_TIME_ZONE): Promise<MonthlyUptime | null> {
  const match = MONTH_PATTERN.exec(month);
  if (!match) return null;
  const [year, monthNumber] = [Number(match[1]), Number(match[2])];
  const { from, until, days } = monthBounds(year, monthNumber, timeZone);
  if (from.getTime() > now.getTime()) return null;
  const end = new Date(Math.min(until.getTime(), now.getTime()));

  const [components, changes, incidents] = await Promise.all([
    db.component.findMany({
      where: { createdAt: { lt: end } },
      orderBy: [{ group: { position: 'asc' } }, { position: 'asc' }],
      select: { id: true, slug: true, nameJa: true, nameEn: true, createdAt: true, archivedAt: true },
    }),
    db.componentStatusChange.findMany({ where: { changedAt: { gte: from, lte: end } }, select: { componentId: true, newStatus: true, changedAt: true }, orderBy: { changedAt: 'asc' } }),
    db.incident.findMany({
      where: { published: true, startedAt: { lte: end }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: from } }] },
      orderBy: { startedAt: 'asc' },
      select: { slug: true, titleJa: true, titleEn: true, startedAt: true, resolvedAt: true, components: { select: { componentId: true } } },
    }),
  ]);

  const byComponent = new Map<string, StatusChange[]>();
  for (const c of [...(await statusAtStart(from)), ...changes]) {
    byComponent.set(c.componentId, [...(byComponent.get(c.componentId) ?? []), { status: c.newStatus, at: c.changedAt }]);
  }
  const calendar = calendarDays(from, days, timeZone);
  const rows = components.map((c): MonthlyComponentUptime => {
    const u = computeUptime({
      calendar,
      slug: c.slug,
      createdAt: c.createdAt,
      changes: byComponent.get(c.id) ?? [],
      incidents: incidents.filter((i) => i.components.some((ic) => ic.componentId === c.id)),
      from,
      days,
      now: end,
      timeZone,
    });
    const counted = new Map(u.days.flatMap((d) => d.incidents).map((i) => [i.slug, i]));
    return {
      slug: c.slug,
      nameJa: c.nameJa,
      nameEn: c.nameEn,
      archived: c.archivedAt !== null && c.archivedAt <= end,
      uptimePercent: u.uptimePercent,
      coveredMinutes: u.coveredMinutes,
      minutesAffected: u.days.reduce((n, d) => n + d.minutesAffected, 0),
      incidents: [...counted.values()],
    };
  });
  const current = formatInTimeZone(now, timeZone, 'yyyy-MM');
  return {
    month,
    year,
    monthNumber,
    hasData: rows.some((r) => r.uptimePercent !== null),
    partial: month === current,
    previous: shift(year, monthNumber, -1),
    next: month === current ? null : shift(year, monthNumber, 1),
    // A component with nothing known of the month (added later, archived before) is left out,
    // unless no component has data: then the page says the records begin later.
    components: rows.filter((r) => r.uptimePercent !== null),
  };
}

export const getMonthlyUptime = unstable_cache((month: string) => monthlyUptime(month), ['components:monthly-uptime'], {
  tags: [TAGS.metrics, TAGS.components, TAGS.incidents],
  revalidate: 30,
});

/** RFC 4180: every field quoted, quotes doubled, CRLF between records. */
export function csvRecord(fields: (string | number | null)[]): string {
  return fields.map((f) => `"${String(f ?? '').replaceAll('"', '""')}"`).join(',') + '\r\n';
}
