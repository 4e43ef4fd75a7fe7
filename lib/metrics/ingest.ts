import 'server-only';
import { env } from '../env';
import { db } from '../db';
import { lockMetricSeries } from '../db-dialect';
import { addInto, emptyCounts, readCounts } from '#contracts/histogram';
import { foldDomainSeries, pruneDomainSeries } from './domain-series';
import { bucketStart, RESOLUTIONS } from './resolutions';
import type { Rollup } from '#contracts/rollup-schema';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/**
 * Windows the site cannot store faithfully: older than the raw retention (they could no longer be
 * recognised when sent twice, and would be counted twice in the series) or in the future.
 */
export function windowsOutOfRange(rollups: Rollup[], now = new Date()): { path: string; message: string }[] {
  const oldest = now.getTime() - env.METRICS_RETENTION_RAW_DAYS * 86_400_000;
  const newest = now.getTime() + 60_000;
  return rollups.flatMap((r, i) => {
    const t = r.window_start.getTime();
    if (t < oldest) return [{ path: `rollups.${i}.window_start`, message: `is older than the ${env.METRICS_RETENTION_RAW_DAYS}-day retention of raw rollups` }];
    if (t > newest) return [{ path: `rollups.${i}.window_start`, message: 'is in the future (check the clock of the source)' }];
    return [];
  });
}

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

const rollupKey = (source: string, flow: string, windowStart: Date) => `${source}\0${flow}\0${windowStart.toISOString()}`;
const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * Stores rollups and folds the new ones into the 1-minute, 1-hour and 1-day series of their flow
 * (and each listed hosted domain's minute and hour series, domain-series.ts).
 * A (source, flow, window) already stored counts as a duplicate and changes nothing, so re-sent
 * rollups are safe.
 */
export async function storeRollups(rollups: Rollup[]): Promise<IngestResult> {
  // The same window twice in one batch counts once.
  const unique = new Map<string, Rollup>();
  for (const r of rollups) unique.set(rollupKey(r.source, r.flow, r.window_start), r);

  const result = await db.$transaction(async (tx) => {
    // Site processes sharing a PostgreSQL database take turns here: the duplicate check and the
    // sums folded into the series must see each other's rows.
    await lockMetricSeries(tx);
    const existing = await tx.mailMetricRollup.findMany({
      where: { OR: [...unique.values()].map((r) => ({ source: r.source, flow: r.flow, windowStart: r.window_start })) },
      select: { source: true, flow: true, windowStart: true },
    });
    for (const e of existing) unique.delete(rollupKey(e.source, e.flow, e.windowStart));

    const fresh = [...unique.values()];
    if (fresh.length) {
      await tx.mailMetricRollup.createMany({
        data: fresh.map((r) => ({
          source: r.source,
          flow: r.flow,
          windowStart: r.window_start,
          windowSeconds: r.window_seconds,
          delivered: r.delivered,
          deferred: r.deferred,
          bounced: r.bounced,
          delayP50: r.delay_p50_s,
          delayP95: r.delay_p95_s,
          delayMax: r.delay_max_s,
          histogram: JSON.stringify(r.delay_histogram),
          queueDepth: r.queue_depth,
          oldestAgeS: r.oldest_age_s,
          waitingHistogram: json(r.waiting_histogram),
          destinationHistogram: json(r.destination_histogram),
          topDestinations: r.top_destinations.length ? JSON.stringify(r.top_destinations) : null,
          accepted: r.accepted,
          rejected: JSON.stringify(r.rejected),
          scanPolicy: r.scan_policy,
          scanBypassing: r.scan_bypassing,
          scanned: r.scanned ?? null,
          scanAhead: r.scan_ahead ?? null,
          stageP95: json(r.stage_p95_s),
        })),
      });
      await foldIntoSeries(tx, fresh);
      await foldDomainSeries(tx, fresh);
    }
    return { accepted: fresh.length, duplicates: rollups.length - fresh.length };
  });
  await pruneIfDue();
  return result;
}

async function foldIntoSeries(tx: Tx, fresh: Rollup[]) {
  // Queue depth adds up across sources in the same window and flow: read every source's depth there.
  const windows = [...new Set(fresh.map((r) => r.window_start.getTime()))].map((t) => new Date(t));
  const depths = await tx.mailMetricRollup.groupBy({ by: ['flow', 'windowStart'], where: { windowStart: { in: windows } }, _sum: { queueDepth: true } });
  const depthAt = new Map(depths.map((d) => [`${d.flow}\0${d.windowStart.getTime()}`, d._sum.queueDepth ?? 0]));

  for (const resolution of RESOLUTIONS) {
    const buckets = new Map<string, { flow: Rollup['flow']; start: Date; members: Rollup[] }>();
    for (const r of fresh) {
      const start = bucketStart(r.window_start, resolution, env.SITE_TIME_ZONE);
      const key = `${r.flow}\0${start.getTime()}`;
      const bucket = buckets.get(key) ?? { flow: r.flow, start, members: [] };
      bucket.members.push(r);
      buckets.set(key, bucket);
    }
    for (const { flow, start, members } of buckets.values()) {
      const row = await tx.mailMetricBucket.findUnique({ where: { resolution_flow_bucketStart: { resolution, flow, bucketStart: start } } });
      const counts = row ? readCounts(row.histogram) : emptyCounts();
      const rejected: Record<string, number> = row ? JSON.parse(row.rejected) : {};
      let delayMax = row?.delayMax ?? null;
      let queueDepthMax = row?.queueDepthMax ?? 0;
      let oldestAgeMax = row?.oldestAgeMax ?? 0;
      const sums = { delivered: 0, deferred: 0, bounced: 0, accepted: 0 };
      for (const r of members) {
        addInto(counts, r.delay_histogram.counts);
        for (const [reason, n] of Object.entries(r.rejected)) rejected[reason] = (rejected[reason] ?? 0) + n;
        if (r.delay_max_s !== null) delayMax = Math.max(delayMax ?? 0, r.delay_max_s);
        queueDepthMax = Math.max(queueDepthMax, depthAt.get(`${flow}\0${r.window_start.getTime()}`) ?? r.queue_depth);
        oldestAgeMax = Math.max(oldestAgeMax, r.oldest_age_s);
        sums.delivered += r.delivered;
        sums.deferred += r.deferred;
        sums.bounced += r.bounced;
        sums.accepted += r.accepted;
      }
      const data = {
        histogram: JSON.stringify(counts),
        rejected: JSON.stringify(rejected),
        delayMax,
        queueDepthMax,
        oldestAgeMax,
        delivered: (row?.delivered ?? 0) + sums.delivered,
        deferred: (row?.deferred ?? 0) + sums.deferred,
        bounced: (row?.bounced ?? 0) + sums.bounced,
        accepted: (row?.accepted ?? 0) + sums.accepted,
        windows: (row?.windows ?? 0) + members.length,
      };
      if (row) await tx.mailMetricBucket.update({ where: { id: row.id }, data });
      else await tx.mailMetricBucket.create({ data: { resolution, flow, bucketStart: start, ...data } });
    }
  }
}

let lastPrune = 0;
const PRUNE_EVERY_MS = 10 * 60_000;

/** Drops data past its retention: raw 2 days, 1 minute 30 days, 1 hour 400 days, days kept. */
export async function pruneMetrics(now = new Date()): Promise<void> {
  const before = (days: number) => new Date(now.getTime() - days * 86_400_000);
  await db.mailMetricRollup.deleteMany({ where: { windowStart: { lt: before(env.METRICS_RETENTION_RAW_DAYS) } } });
  await db.mailMetricBucket.deleteMany({ where: { resolution: '1m', bucketStart: { lt: before(env.METRICS_RETENTION_1M_DAYS) } } });
  await db.mailMetricBucket.deleteMany({ where: { resolution: '1h', bucketStart: { lt: before(env.METRICS_RETENTION_1H_DAYS) } } });
  await pruneDomainSeries(now);
}

async function pruneIfDue() {
  if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
  lastPrune = Date.now();
  await pruneMetrics();
}
