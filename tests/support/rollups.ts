import { DELAY_BUCKET_BOUNDS } from '#contracts/rollup-schema';

/** A valid rollup as an MTA would push it, with `delays` (seconds) of the messages delivered. */
export function makeRollup(source: string, windowStart: Date, delays: number[] = [0.4, 2, 3]) {
  const counts = new Array(DELAY_BUCKET_BOUNDS.length + 1).fill(0);
  for (const d of delays) {
    const i = DELAY_BUCKET_BOUNDS.findIndex((b) => d <= b);
    counts[i === -1 ? DELAY_BUCKET_BOUNDS.length : i]++;
  }
  const sorted = [...delays].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null);
  return {
    source,
    window_start: windowStart.toISOString(),
    window_seconds: 10,
    delivered: delays.length,
    deferred: 0,
    bounced: 0,
    delay_p50_s: q(0.5),
    delay_p95_s: q(0.95),
    delay_max_s: sorted.at(-1) ?? null,
    delay_histogram: { bounds: [...DELAY_BUCKET_BOUNDS], counts },
    stage_p95_s: { receive: 0.01, queue: 0.1, scan: 0.2, deliver: 0.01 },
    queue_depth: 3,
    oldest_age_s: 4.5,
    accepted: delays.length,
    rejected: { unknown_recipient: 2 },
    scan_policy: 'enabled',
    scan_bypassing: false,
  };
}

/** makeRollup's rollups as rows of MailMetricRollup, for tests that store windows without the ingest API. */
export function rollupRows(rollups: ReturnType<typeof makeRollup>[]) {
  return rollups.map((r) => ({
    source: r.source,
    windowStart: new Date(r.window_start),
    windowSeconds: r.window_seconds,
    delivered: r.delivered,
    delayP50: r.delay_p50_s,
    delayP95: r.delay_p95_s,
    delayMax: r.delay_max_s,
    histogram: JSON.stringify(r.delay_histogram),
    queueDepth: r.queue_depth,
    oldestAgeS: r.oldest_age_s,
    scanPolicy: r.scan_policy,
  }));
}
