import 'server-only';
import { db } from '../db';
import { env } from '../env';
import { addInto, emptyCounts, quantile, readCounts, total, type Counts } from '#contracts/histogram';
import { seriesBetween, type DelaySeries } from './queries';
import { bucketStart } from './resolutions';
import type { FlowWindow } from './signals';

// The figures of the public domain lookup: one hosted domain's inbound mail (MailDomainBucket), or
// all inbound mail when the domain is not measured on its own. Both are read in one shape, so the
// page and the API say the same things about either.

/** "Current" delay: the mail delivered in the last few minutes, and what waits now. */
export const RECENT_MINUTES = 5;
/** Today's chart: one point per 10 minutes, as the status page's 24-hour chart. */
const CHART_STEP_S = 600;

export interface RecentMail {
  /** The last RECENT_MINUTES merged, and what waited at the newest window, as the status rule sees a window. */
  window: FlowWindow;
  deliveredCount: number;
  p95S: number | null;
  waiting: number;
  oldestWaitingS: number;
}

function recentMail(from: Date, delivered: Counts, deliveredMax: number | null, waiting: Counts, oldestWaitingS: number): RecentMail {
  return {
    window: { start: from, seconds: RECENT_MINUTES * 60, flow: 'inbound', delivered, deliveredMax, waiting, oldestWaitingS, destinations: null },
    deliveredCount: total(delivered),
    p95S: quantile(delivered, 0.95, deliveredMax),
    waiting: total(waiting),
    oldestWaitingS,
  };
}

/** The newest inbound window any source reported: waiting figures older than it are gone. */
async function newestInboundWindow(): Promise<Date | null> {
  const newest = await db.mailMetricRollup.findFirst({ where: { flow: 'inbound' }, orderBy: { windowStart: 'desc' }, select: { windowStart: true } });
  return newest?.windowStart ?? null;
}

/**
 * One domain's recent inbound mail; null when no sender listed the domain on its own lately
 * (not hosted, not busy enough, or unknown: the caller answers those alike).
 */
export async function domainRecentMail(domain: string, now = new Date()): Promise<RecentMail | null> {
  const from = new Date(now.getTime() - RECENT_MINUTES * 60_000);
  const [rows, newest] = await Promise.all([
    db.mailDomainBucket.findMany({ where: { resolution: '1m', domain, bucketStart: { gte: bucketStart(from, '1m', env.SITE_TIME_ZONE) } } }),
    newestInboundWindow(),
  ]);
  if (!rows.length) return null;
  const delivered = emptyCounts();
  let deliveredMax: number | null = null;
  let latest: (typeof rows)[number] | null = null;
  for (const r of rows) {
    addInto(delivered, readCounts(r.histogram));
    if (r.delayMax !== null) deliveredMax = Math.max(deliveredMax ?? 0, r.delayMax);
    if (r.waitingAt && (!latest?.waitingAt || r.waitingAt > latest.waitingAt)) latest = r;
  }
  // Mail that waited at an older window than the newest one reported has been delivered since
  // (a domain with nothing left is not listed at all).
  const current = latest?.waitingAt && latest.waitingHistogram && newest && latest.waitingAt.getTime() >= newest.getTime() ? latest : null;
  const waiting = current ? readCounts(current.waitingHistogram!) : emptyCounts();
  const oldest = current ? current.oldestAgeMax : 0;
  return recentMail(from, delivered, deliveredMax, waiting, total(waiting) ? oldest : 0);
}

/** All inbound mail, merged across sources, in the same shape. */
export async function overallRecentMail(now = new Date()): Promise<RecentMail> {
  const from = new Date(now.getTime() - RECENT_MINUTES * 60_000);
  const [rows, newest] = await Promise.all([
    db.mailMetricBucket.findMany({ where: { resolution: '1m', flow: 'inbound', bucketStart: { gte: bucketStart(from, '1m', env.SITE_TIME_ZONE) } }, select: { histogram: true, delayMax: true } }),
    newestInboundWindow(),
  ]);
  const delivered = emptyCounts();
  let deliveredMax: number | null = null;
  for (const r of rows) {
    addInto(delivered, readCounts(r.histogram));
    if (r.delayMax !== null) deliveredMax = Math.max(deliveredMax ?? 0, r.delayMax);
  }
  const waiting = emptyCounts();
  let oldest = 0;
  if (newest) {
    const sources = await db.mailMetricRollup.findMany({ where: { flow: 'inbound', windowStart: newest }, select: { waitingHistogram: true, queueDepth: true, oldestAgeS: true } });
    for (const s of sources) {
      if (s.waitingHistogram) addInto(waiting, readCounts(s.waitingHistogram));
      oldest = Math.max(oldest, s.oldestAgeS);
    }
  }
  return recentMail(from, delivered, deliveredMax, waiting, oldest);
}

/** Today (the site's calendar day) in 10-minute points. */
function today(now: Date): { from: Date; to: Date } {
  const from = bucketStart(now, '1d', env.SITE_TIME_ZONE);
  // The next midnight, whatever the day's length (daylight saving time).
  const to = bucketStart(new Date(from.getTime() + 36 * 3_600_000), '1d', env.SITE_TIME_ZONE);
  return { from, to };
}

/** One domain's delay and waiting mail today, in the status page chart's shape. */
export async function domainSeriesToday(domain: string, now = new Date()): Promise<DelaySeries> {
  const { from, to } = today(now);
  const rows = await db.mailDomainBucket.findMany({
    where: { resolution: '1m', domain, bucketStart: { gte: from, lt: to } },
    select: { bucketStart: true, histogram: true, delayMax: true, waitingMax: true, delivered: true },
  });
  const stepMs = CHART_STEP_S * 1000;
  const slots = Array.from({ length: Math.round((to.getTime() - from.getTime()) / stepMs) }, () => ({ counts: emptyCounts(), max: null as number | null, waiting: 0, delivered: 0, seen: false }));
  for (const r of rows) {
    const slot = slots[Math.floor((r.bucketStart.getTime() - from.getTime()) / stepMs)];
    if (!slot) continue;
    addInto(slot.counts, readCounts(r.histogram));
    if (r.delayMax !== null) slot.max = Math.max(slot.max ?? 0, r.delayMax);
    slot.waiting = Math.max(slot.waiting, r.waitingMax);
    slot.delivered += r.delivered;
    slot.seen = true;
  }
  return {
    range: '24h',
    stepSeconds: CHART_STEP_S,
    from: from.toISOString(),
    to: to.toISOString(),
    points: slots.map((s, i) => ({
      t: new Date(from.getTime() + i * stepMs).toISOString(),
      p50: s.seen ? quantile(s.counts, 0.5, s.max) : null,
      p95: s.seen ? quantile(s.counts, 0.95, s.max) : null,
      max: s.seen ? s.max : null,
      queueDepth: s.waiting,
      delivered: s.delivered,
    })),
  };
}

/** All inbound mail today, in the same shape. */
export function overallSeriesToday(now = new Date()): Promise<DelaySeries> {
  const { from, to } = today(now);
  return seriesBetween('1m', CHART_STEP_S, from, to, '24h', 'inbound');
}
