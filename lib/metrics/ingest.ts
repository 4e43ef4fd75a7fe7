import 'server-only';
import { db } from '../db';
import type { Rollup } from './rollup-schema';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Stores rollups; a (source, window) already stored is counted as a duplicate and left as it was. */
export async function storeRollups(rollups: Rollup[]): Promise<IngestResult> {
  // The same window twice in one batch counts once.
  const unique = new Map<string, Rollup>();
  for (const r of rollups) unique.set(`${r.source}\0${r.window_start.toISOString()}`, r);

  return db.$transaction(async (tx) => {
    const existing = await tx.mailMetricRollup.findMany({
      where: { OR: [...unique.values()].map((r) => ({ source: r.source, windowStart: r.window_start })) },
      select: { source: true, windowStart: true },
    });
    for (const e of existing) unique.delete(`${e.source}\0${e.windowStart.toISOString()}`);

    const fresh = [...unique.values()];
    if (fresh.length) {
      await tx.mailMetricRollup.createMany({
        data: fresh.map((r) => ({
          source: r.source,
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
          accepted: r.accepted,
          rejected: JSON.stringify(r.rejected),
          scanPolicy: r.scan_policy,
          scanBypassing: r.scan_bypassing,
        })),
      });
    }
    return { accepted: fresh.length, duplicates: rollups.length - fresh.length };
  });
}
