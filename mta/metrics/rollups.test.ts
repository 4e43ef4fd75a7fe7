import { describe, expect, it } from 'vitest';
import { histogram, percentile, RollupWindow, windowStart } from './rollups.js';

describe('rollups', () => {
  it('aligns windows to 10 seconds', () => {
    expect(windowStart(Date.parse('2026-01-01T00:00:19.999Z'))).toBe(Date.parse('2026-01-01T00:00:10Z'));
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('counts delays per bucket, with +Inf last', () => {
    const counts = histogram([0.5, 1, 1.01, 90 * 60, 3 * 3600]);
    expect(counts).toHaveLength(15);
    expect(counts[0]).toBe(2); // <= 1 s
    expect(counts[1]).toBe(1); // <= 5 s
    expect(counts[12]).toBe(1); // <= 5400 s: the 2014 worst case, 90 minutes
    expect(counts[14]).toBe(1); // > 7200 s
  });

  it('builds the rollup the site expects', () => {
    const w = new RollupWindow(Date.parse('2026-01-01T00:00:10Z'));
    w.accepted = 3;
    w.recordRejected('unknown_user');
    w.recordRejected('unknown_user');
    w.recordDelivered({ receive: 0.1, queue: 2, scan: 0.5, deliver: 0.2, total: 2.8 });
    w.recordDelivered({ receive: 0.1, queue: 40, scan: 0.5, deliver: 0.2, total: 40.8 });
    const r = w.finish({ source: 'mx1', queueDepth: 7, oldestAgeS: 41.23456, scanPolicy: 'auto', scanBypassing: true });
    expect(r).toMatchObject({
      source: 'mx1',
      window_start: '2026-01-01T00:00:10.000Z',
      window_seconds: 10,
      delivered: 2,
      accepted: 3,
      rejected: { unknown_user: 2 },
      delay_p50_s: 2.8,
      delay_p95_s: 40.8,
      delay_max_s: 40.8,
      stage_p95_s: { receive: 0.1, queue: 40, scan: 0.5, deliver: 0.2 },
      queue_depth: 7,
      oldest_age_s: 41.235,
      scan_policy: 'auto',
      scan_bypassing: true,
    });
    expect(r.delay_histogram.counts.reduce((a, b) => a + b, 0)).toBe(2);
    const empty = new RollupWindow(0).finish({ source: 'mx1', queueDepth: 0, oldestAgeS: 0, scanPolicy: 'enabled', scanBypassing: false });
    expect(empty).toMatchObject({ delivered: 0, delay_p50_s: null, delay_p95_s: null, delay_max_s: null, stage_p95_s: { receive: null, queue: null, scan: null, deliver: null } });
  });
});
