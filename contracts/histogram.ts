import { z } from 'zod';
import { DELAY_BUCKET_BOUNDS } from './rollup-schema';

// Delay histograms with fixed bucket bounds. Merging is exact (counts add up); percentiles read
// from a merged histogram are exact to the bucket and interpolated inside it, never averaged.

export type Counts = number[];

export const BUCKETS = DELAY_BUCKET_BOUNDS.length + 1;

export function emptyCounts(): Counts {
  return new Array(BUCKETS).fill(0);
}

export function bucketOf(delaySeconds: number): number {
  const i = DELAY_BUCKET_BOUNDS.findIndex((bound) => delaySeconds <= bound);
  return i === -1 ? DELAY_BUCKET_BOUNDS.length : i;
}

const storedCounts = z.array(z.number().int().min(0)).length(DELAY_BUCKET_BOUNDS.length + 1);
const storedHistogram = z.union([storedCounts, z.object({ counts: storedCounts }).transform((h) => h.counts)]);

/**
 * A histogram as stored: a series bucket keeps its counts, a raw rollup `{ bounds, counts }` as it
 * arrived. Checked here, where it is read: a malformed row is an error that names itself.
 */
export function readCounts(text: string): Counts {
  const parsed = storedHistogram.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`malformed stored histogram ${text.slice(0, 80)}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function addInto(target: Counts, source: readonly number[]): Counts {
  for (let i = 0; i < BUCKETS; i++) target[i] += source[i] ?? 0;
  return target;
}

export function total(counts: readonly number[]): number {
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * The q-quantile (0 < q ≤ 1) by nearest rank, located in its bucket and interpolated linearly
 * inside it. `max`, when known, caps the answer (the last bucket has no upper bound).
 */
export function quantile(counts: readonly number[], q: number, max?: number | null): number | null {
  const n = total(counts);
  if (n === 0) return null;
  return valueAtRank(counts, Math.max(1, Math.ceil(q * n)), max);
}

/**
 * The value of the rank-th smallest delay (1-based), interpolated inside its bucket. Always above
 * the bucket's lower bound, so that "value > bound" holds exactly when at least that many delays
 * are above the bound.
 */
export function valueAtRank(counts: readonly number[], rank: number, max?: number | null): number | null {
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : DELAY_BUCKET_BOUNDS[i - 1];
      const upper = i < DELAY_BUCKET_BOUNDS.length ? DELAY_BUCKET_BOUNDS[i] : Math.max(lower, max ?? lower);
      const value = lower + ((upper - lower) * (rank - seen)) / counts[i];
      return max != null ? Math.min(value, max) : value;
    }
    seen += counts[i];
  }
  return max ?? null;
}

/** The k-th largest delay (k ≥ 1); null when fewer than k delays are counted. */
export function kthLargest(counts: readonly number[], k: number, max?: number | null): number | null {
  const n = total(counts);
  if (k < 1 || n < k) return null;
  return valueAtRank(counts, n - k + 1, max);
}

/** Messages whose delay is above `seconds`, exact when `seconds` is a bucket bound. */
export function countAbove(counts: readonly number[], seconds: number): number {
  let n = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const lower = i === 0 ? 0 : DELAY_BUCKET_BOUNDS[i - 1];
    if (lower >= seconds) n += counts[i];
  }
  return n;
}

/** Histogram counts of raw delays, as a sender builds them for one window. */
export function histogramOf(delays: readonly number[]): Counts {
  const counts = emptyCounts();
  for (const d of delays) counts[bucketOf(d)]++;
  return counts;
}

/** Exact nearest-rank percentile (p in 0..100) of an ascending array; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
