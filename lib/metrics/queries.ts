import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { db } from '../db';
import { env } from '../env';
import { addInto, emptyCounts, quantile, readCounts } from '#contracts/histogram';
import { bucketStart, type Resolution } from './resolutions';
import { probesBetween } from '../canary/probes';
import { delayIn } from '../canary/signal';
import type { MailFlow } from '#contracts/rollup-schema';
import { calendarDays, computeUptime, type StatusChange, type UptimeComponent } from './uptime';

export type ChartRange = '24h' | '7d' | '30d';

export interface DelayPoint {
  /** Start of the point's interval, ISO 8601. */
  t: string;
  p50: number | null;
  p95: number | null;
  max: number | null;
  queueDepth: number;
  delivered: number;
  /** Inbound, with the canary on: the longest trip of a canary sent in the interval (lib/canary/signal.ts). */
  canary?: number | null;
}

export interface DelaySeries {
  range: ChartRange;
  stepSeconds: number;
  from: string;
  to: string;
  points: DelayPoint[];
}

// Each range reads the coarsest series that still gives ~150 points.
const RANGES: Record<ChartRange, { resolution: Resolution; spanS: number; stepS: number }> = {
  '24h': { resolution: '1m', spanS: 86_400, stepS: 600 },
  '7d': { resolution: '1h', spanS: 7 * 86_400, stepS: 3600 },
  '30d': { resolution: '1h', spanS: 30 * 86_400, stepS: 6 * 3600 },
};

/** One flow's mail delay (p50/p95/max, merged across sources) and queue depth over a range ending now. */
export async function delaySeries(range: ChartRange, flow: MailFlow = 'inbound', now = new Date()): Promise<DelaySeries> {
  const { resolution, spanS, stepS } = RANGES[range];
  const end = Math.floor(now.getTime() / (stepS * 1000)) * stepS * 1000 + stepS * 1000;
  const start = end - spanS * 1000;
  return seriesBetween(resolution, stepS, new Date(start), new Date(end), range, flow);
}

export async function seriesBetween(resolution: Resolution, stepS: number, from: Date, to: Date, range: ChartRange = '24h', flow: MailFlow = 'inbound'): Promise<DelaySeries> {
  const rows = await db.mailMetricBucket.findMany({
    where: { resolution, flow, bucketStart: { gte: from, lt: to } },
    select: { bucketStart: true, histogram: true, delayMax: true, queueDepthMax: true, delivered: true },
    orderBy: { bucketStart: 'asc' },
  });
  // Measured from outside beside the MTA's own figures: the canary's probes of the same span.
  const probes = flow === 'inbound' && env.CANARY_ENABLED ? await probesBetween(from, to) : [];
  const now = new Date();
  const stepMs = stepS * 1000;
  const slots = Math.round((to.getTime() - from.getTime()) / stepMs);
  const merged = Array.from({ length: slots }, () => ({ counts: emptyCounts(), max: null as number | null, depth: 0, delivered: 0, seen: false }));
  for (const r of rows) {
    const i = Math.floor((r.bucketStart.getTime() - from.getTime()) / stepMs);
    const slot = merged[i];
    if (!slot) continue;
    addInto(slot.counts, readCounts(r.histogram));
    slot.max = r.delayMax === null ? slot.max : Math.max(slot.max ?? 0, r.delayMax);
    slot.depth = Math.max(slot.depth, r.queueDepthMax);
    slot.delivered += r.delivered;
    slot.seen = true;
  }
  return {
    range,
    stepSeconds: stepS,
    from: from.toISOString(),
    to: to.toISOString(),
    points: merged.map((m, i) => ({
      t: new Date(from.getTime() + i * stepMs).toISOString(),
      p50: m.seen ? quantile(m.counts, 0.5, m.max) : null,
      p95: m.seen ? quantile(m.counts, 0.95, m.max) : null,
      max: m.seen ? m.max : null,
      queueDepth: m.depth,
      delivered: m.delivered,
      ...(probes.length ? { canary: delayIn(probes, new Date(from.getTime() + i * stepMs), new Date(from.getTime() + (i + 1) * stepMs), now) } : {}),
    })),
  };
}

export const getDelaySeries = unstable_cache((range: ChartRange, flow: MailFlow = 'inbound') => delaySeries(range, flow), ['metrics:delay-series'], {
  tags: [TAGS.metrics],
  revalidate: 30,
});

/** The delay around an incident's windows (30 minutes either side), at 1-minute resolution while it is kept. */
export async function incidentSeries(startAt: Date, endAt: Date | null, flow: MailFlow = 'inbound', now = new Date()): Promise<DelaySeries | null> {
  const end = endAt ?? now;
  const from = new Date(bucketStart(new Date(startAt.getTime() - 30 * 60_000), '1h', env.SITE_TIME_ZONE).getTime());
  const to = new Date(bucketStart(new Date(end.getTime() + 30 * 60_000), '1h', env.SITE_TIME_ZONE).getTime() + 3_600_000);
  const recent = now.getTime() - from.getTime() < (env.METRICS_RETENTION_1M_DAYS - 1) * 86_400_000;
  const hours = (to.getTime() - from.getTime()) / 3_600_000;
  const series = recent
    ? await seriesBetween('1m', hours <= 6 ? 60 : 300, from, to, '24h', flow)
    : await seriesBetween('1h', 3600, from, to, '24h', flow);
  return series.points.some((p) => p.delivered > 0 || p.queueDepth > 0) ? series : null;
}

export const getIncidentSeries = unstable_cache(
  (startedAt: string, endAt: string | null, flow: MailFlow = 'inbound') => incidentSeries(new Date(startedAt), endAt ? new Date(endAt) : null, flow),
  ['metrics:incident-series'],
  { tags: [TAGS.metrics], revalidate: 30 },
);

/** The last change before `from` for each component: the status it was in when the period began. */
async function statusAtStart(from: Date) {
  const latest = await db.componentStatusChange.groupBy({ by: ['componentId'], where: { changedAt: { lt: from } }, _max: { changedAt: true } });
  if (!latest.length) return [];
  return db.componentStatusChange.findMany({
    where: { OR: latest.map((l) => ({ componentId: l.componentId, changedAt: l._max.changedAt! })) },
    select: { componentId: true, newStatus: true, changedAt: true },
  });
}

/** 90 days of uptime per component, from the status change history. */
export async function uptime(days = 90, now = new Date()): Promise<UptimeComponent[]> {
  const today = bucketStart(now, '1d', env.SITE_TIME_ZONE);
  const from = new Date(today.getTime() - (days - 1) * 86_400_000);
  const [components, changes, earlier, incidents] = await Promise.all([
    db.component.findMany({ select: { id: true, slug: true, createdAt: true } }),
    db.componentStatusChange.findMany({
      where: { changedAt: { gte: from, lte: now } },
      select: { componentId: true, newStatus: true, changedAt: true },
      orderBy: { changedAt: 'asc' },
    }),
    statusAtStart(from),
    db.incident.findMany({
      where: { published: true, startedAt: { lte: now }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: from } }] },
      select: { slug: true, titleJa: true, titleEn: true, startedAt: true, resolvedAt: true, components: { select: { componentId: true } } },
    }),
  ]);
  const byComponent = new Map<string, StatusChange[]>();
  for (const c of [...earlier, ...changes]) {
    byComponent.set(c.componentId, [...(byComponent.get(c.componentId) ?? []), { status: c.newStatus, at: c.changedAt }]);
  }
  const calendar = calendarDays(from, days, env.SITE_TIME_ZONE);
  return components.map((c) =>
    computeUptime({
      calendar,
      slug: c.slug,
      createdAt: c.createdAt,
      changes: (byComponent.get(c.id) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime()),
      incidents: incidents
        .filter((i) => i.components.some((ic) => ic.componentId === c.id))
        .map((i) => ({ slug: i.slug, titleJa: i.titleJa, titleEn: i.titleEn, startedAt: i.startedAt, resolvedAt: i.resolvedAt })),
      from,
      days,
      now,
      timeZone: env.SITE_TIME_ZONE,
    }),
  );
}

export const getUptime = unstable_cache(() => uptime(), ['metrics:uptime'], { tags: [TAGS.metrics, TAGS.components, TAGS.incidents], revalidate: 30 });
