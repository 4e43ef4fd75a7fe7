import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { db } from '../db';

// A component's probe latency over a range ending now, for its public page: per step, the mean
// and the largest latency of the runs that passed, and how many runs failed. Aggregated here
// (one indexed range read of ProbeResult) so no SQL dialect is involved.

export type LatencyRange = '24h' | '7d';

const RANGES: Record<LatencyRange, { spanS: number; stepS: number }> = {
  '24h': { spanS: 86_400, stepS: 600 },
  '7d': { spanS: 7 * 86_400, stepS: 3600 },
};

export interface LatencyPoint {
  /** Start of the point's interval, ISO 8601. */
  t: string;
  /** Milliseconds, over the runs that passed; null when none did. */
  mean: number | null;
  max: number | null;
  runs: number;
  failed: number;
}

export interface LatencySeries {
  range: LatencyRange;
  stepSeconds: number;
  from: string;
  to: string;
  points: LatencyPoint[];
}

/** Null when the component has no enabled probe: its page shows no latency chart. */
export async function probeLatencySeries(componentId: string, range: LatencyRange, now = new Date()): Promise<LatencySeries | null> {
  const probes = await db.probe.findMany({ where: { componentId, enabled: true }, select: { id: true } });
  if (!probes.length) return null;
  const { spanS, stepS } = RANGES[range];
  const stepMs = stepS * 1000;
  const end = Math.floor(now.getTime() / stepMs) * stepMs + stepMs;
  const start = end - spanS * 1000;
  const rows = await db.probeResult.findMany({
    where: { probeId: { in: probes.map((p) => p.id) }, at: { gte: new Date(start), lt: new Date(end) } },
    select: { at: true, ok: true, latencyMs: true },
  });
  const count = spanS / stepS;
  const sums = new Array<number>(count).fill(0);
  const passed = new Array<number>(count).fill(0);
  const points: LatencyPoint[] = Array.from({ length: count }, (_, i) => ({ t: new Date(start + i * stepMs).toISOString(), mean: null, max: null, runs: 0, failed: 0 }));
  for (const r of rows) {
    const i = Math.floor((r.at.getTime() - start) / stepMs);
    const p = points[i];
    if (!p) continue;
    p.runs++;
    if (!r.ok || r.latencyMs === null) {
      p.failed += r.ok ? 0 : 1;
      continue;
    }
    sums[i] += r.latencyMs;
    passed[i]++;
    p.max = Math.max(p.max ?? 0, r.latencyMs);
  }
  points.forEach((p, i) => (p.mean = passed[i] ? sums[i] / passed[i] : null));
  return { range, stepSeconds: stepS, from: new Date(start).toISOString(), to: new Date(end).toISOString(), points };
}

export const getProbeLatencySeries = unstable_cache((componentId: string, range: LatencyRange) => probeLatencySeries(componentId, range), ['probes:latency-series'], {
  tags: [TAGS.metrics],
  revalidate: 30,
});
