import { describe, expect, it } from 'vitest';
import { DELAY_BUCKET_BOUNDS } from './rollup-schema';
import { addInto, bucketOf, countAbove, emptyCounts, quantile, readCounts, total } from './histogram';

function histogram(delays: number[]) {
  const c = emptyCounts();
  for (const d of delays) c[bucketOf(d)]++;
  return c;
}

function exactQuantile(delays: number[], q: number) {
  const sorted = [...delays].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

// A deterministic pseudo-random generator, so failures reproduce.
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('delay histograms', () => {
  it('puts a delay in the bucket whose upper bound holds it', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.01)).toBe(1);
    expect(bucketOf(300)).toBe(DELAY_BUCKET_BOUNDS.indexOf(300));
    expect(bucketOf(99999)).toBe(DELAY_BUCKET_BOUNDS.length);
  });

  it('merges sources exactly: the merged histogram equals the histogram of all raw delays', () => {
    const rand = lcg(7);
    const sources = [0, 1, 2].map(() => Array.from({ length: 500 }, () => rand() ** 3 * 6000));
    const merged = sources.map(histogram).reduce((acc, h) => addInto(acc, h), emptyCounts());
    expect(merged).toEqual(histogram(sources.flat()));
    expect(total(merged)).toBe(1500);
  });

  it('reads percentiles from the merged histogram in the same bucket as the exact value', () => {
    const rand = lcg(42);
    const a = Array.from({ length: 800 }, () => rand() * 20); // a healthy MTA
    const b = Array.from({ length: 200 }, () => 1800 + rand() * 3600); // one stuck behind a flood
    const merged = addInto(histogram(a), histogram(b));
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile([...a, ...b], q);
      const estimate = quantile(merged, q, Math.max(...a, ...b))!;
      expect(bucketOf(estimate), `q=${q}`).toBe(bucketOf(exact));
    }
  });

  it('does not average percentiles: one slow source shows in the merged p95', () => {
    const fast = histogram(Array.from({ length: 90 }, () => 1));
    const slow = histogram(Array.from({ length: 10 }, () => 4000));
    // Averaging the two sources' p95 would say ~2000 s; the real p95 is over an hour.
    expect(quantile(addInto(fast, slow), 0.95, 4000)).toBeGreaterThan(3600);
  });

  it('caps the open last bucket with the known maximum', () => {
    expect(quantile(histogram([9000, 9000]), 0.95, 9000)).toBe(9000);
  });

  it('has no percentile without data', () => {
    expect(quantile(emptyCounts(), 0.95)).toBeNull();
  });

  it('counts messages above a threshold exactly at bucket bounds', () => {
    const delays = [10, 200, 301, 400, 2000, 8000];
    expect(countAbove(histogram(delays), 300)).toBe(delays.filter((d) => d > 300).length);
  });

  it('reads both stored shapes, and names a malformed one', () => {
    const counts = [3, ...new Array(14).fill(0)];
    expect(readCounts(JSON.stringify(counts))).toEqual(counts);
    expect(readCounts(JSON.stringify({ bounds: [...DELAY_BUCKET_BOUNDS], counts }))).toEqual(counts);
    expect(() => readCounts('[1,2,3]')).toThrow(/malformed stored histogram \[1,2,3\]/);
    expect(() => readCounts(JSON.stringify([-1, ...new Array(14).fill(0)]))).toThrow(/malformed/);
  });
});
