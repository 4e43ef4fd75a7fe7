import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { db } from '../db';
import { UNRESOLVED_INCIDENT_STATUSES } from '../status/types';
import { ESTIMATE_SPAN_WINDOWS, estimateArrival, type ArrivalEstimate, type InboundWindow } from './arrival-estimate';
import type { ArrivalEstimateView } from './arrival-text';

/** The arrival estimate while inbound mail is delayed, as the pages and the API show it. */
export interface ArrivalEstimateDto extends ArrivalEstimateView {
  /** The inbound mail component it is about. */
  componentId: string;
  arrivalsPerMinute: number | null;
  drainPerMinute: number | null;
  basis: ArrivalEstimate['basis'];
}

const DELAYED_STATUSES = ['degraded_performance', 'partial_outage', 'major_outage'];
/** A newest window older than this says nothing about now: the estimate says it has no data. */
const STALE_AFTER_MS = 60_000;
const WINDOW_MS = 10_000;

/**
 * The estimate, or null while inbound mail is not delayed: its component is not degraded or
 * worse and no open incident names it. Reads the last minute and a half of inbound rollups.
 */
export async function currentArrivalEstimate(now = new Date()): Promise<ArrivalEstimateDto | null> {
  const rule = await db.componentMetricRule.findFirst({
    where: { enabled: true, metric: 'mail_delay', flow: 'inbound' },
    select: { component: { select: { id: true, status: true, noData: true } } },
  });
  if (!rule) return null;
  const component = rule.component;
  const measuredLate = !component.noData && DELAYED_STATUSES.includes(component.status);
  const openIncident = measuredLate
    ? null
    : await db.incident.findFirst({ where: { published: true, status: { in: [...UNRESOLVED_INCIDENT_STATUSES] }, components: { some: { componentId: component.id } } }, select: { id: true } });
  if (!measuredLate && !openIncident) return null;

  const windows = await recentInboundWindows(now);
  const e = estimateArrival(windows);
  return {
    componentId: component.id,
    asOf: Number.isNaN(e.asOf.getTime()) ? now.toISOString() : e.asOf.toISOString(),
    delayS: e.delayS,
    reason: e.reason,
    clearsAt: e.clearsAt ? e.clearsAt.toISOString() : null,
    backlog: e.backlog,
    arrivalsPerMinute: e.arrivalsPerMinute,
    drainPerMinute: e.drainPerMinute,
    basis: e.basis,
  };
}

/**
 * Inbound windows of the last minute and a half, each added up across its sources. Only windows
 * every source of the period reported are used: one still on its way would look like a queue
 * that shrank.
 */
async function recentInboundWindows(now: Date): Promise<InboundWindow[]> {
  const rows = await db.mailMetricRollup.findMany({
    where: { flow: 'inbound', windowStart: { gte: new Date(now.getTime() - (ESTIMATE_SPAN_WINDOWS + 3) * WINDOW_MS) } },
    select: { source: true, windowStart: true, windowSeconds: true, queueDepth: true, accepted: true, scanned: true, scanAhead: true },
  });
  const byWindow = new Map<number, InboundWindow & { sources: number }>();
  for (const r of rows) {
    const key = r.windowStart.getTime();
    const w = byWindow.get(key) ?? { start: r.windowStart, seconds: r.windowSeconds, queueDepth: 0, accepted: 0, scanned: 0, scanAhead: 0, sources: 0 };
    w.sources++;
    w.queueDepth += r.queueDepth;
    w.accepted += r.accepted;
    w.scanned = w.scanned === null || r.scanned === null ? null : w.scanned + r.scanned;
    w.scanAhead = w.scanAhead === null || r.scanAhead === null ? null : w.scanAhead + r.scanAhead;
    byWindow.set(key, w);
  }
  const all = [...byWindow.values()];
  const sources = Math.max(0, ...all.map((w) => w.sources));
  return all
    .filter((w) => w.sources === sources && w.start.getTime() + w.seconds * 1000 >= now.getTime() - STALE_AFTER_MS)
    .map(({ sources: _, ...w }) => w);
}

/** Cached with the status pages' tags: refreshed with every measured window (the rules update the component). */
export const getArrivalEstimate = unstable_cache(() => currentArrivalEstimate(), ['metrics:arrival-estimate'], {
  tags: [TAGS.metrics, TAGS.components, TAGS.incidents],
  revalidate: 30,
});
