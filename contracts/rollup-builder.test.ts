import { describe, expect, it } from 'vitest';
import { histogramOf, percentile } from './histogram';
import { FlowWindow, idleQueueState, QueueTally, windowStartOf } from './rollup-builder';
import { rollupSchema } from './rollup-schema';

const context = { source: 'mx1', flow: 'inbound', queue: idleQueueState(), scanPolicy: 'enabled', scanBypassing: false } as const;

describe('rollups', () => {
  it('aligns windows to 10 seconds', () => {
    expect(windowStartOf(Date.parse('2026-01-01T00:00:19.999Z'))).toBe(Date.parse('2026-01-01T00:00:10Z'));
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('counts delays per bucket, with +Inf last', () => {
    const counts = histogramOf([0.5, 1, 1.01, 90 * 60, 3 * 3600]);
    expect(counts).toHaveLength(15);
    expect(counts[0]).toBe(2); // <= 1 s
    expect(counts[1]).toBe(1); // <= 5 s
    expect(counts[12]).toBe(1); // <= 5400 s: the 2014 worst case, 90 minutes
    expect(counts[14]).toBe(1); // > 7200 s
  });

  it('builds the rollup the site expects', () => {
    const w = new FlowWindow(Date.parse('2026-01-01T00:00:10Z'));
    for (let i = 0; i < 3; i++) w.recordAccepted();
    w.recordRejected('unknown_user');
    w.recordRejected('unknown_user');
    w.recordDelivered({ receive: 0.1, queue: 2, scan: 0.5, deliver: 0.2, total: 2.8 });
    w.recordDelivered({ receive: 0.1, queue: 40, scan: 0.5, deliver: 0.2, total: 40.8 });
    const queue = { ...idleQueueState(), depth: 7, oldestAgeS: 41.23456 };
    queue.ages[3] = 7;
    const r = w.finish({ source: 'mx1', flow: 'inbound', queue, scanPolicy: 'auto', scanBypassing: true });
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
      waiting_histogram: queue.ages,
      scan_policy: 'auto',
      scan_bypassing: true,
    });
    expect(r.delay_histogram.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(rollupSchema.safeParse(r).success).toBe(true);
    const empty = new FlowWindow(0).finish(context);
    expect(empty).toMatchObject({ delivered: 0, delay_p50_s: null, delay_p95_s: null, delay_max_s: null, stage_p95_s: { receive: null, queue: null, scan: null, deliver: null } });
  });

  it('leaves out the stages a sender does not measure, and counts a message deferred twice in a window once when it is named', () => {
    const w = new FlowWindow(0);
    w.recordDelivered({ total: 0.03, receive: 0.01, queue: 0.01, deliver: 0.01 });
    w.recordDelivered({ total: 12 });
    w.recordDeferred('4F1A2B');
    w.recordDeferred('4F1A2B');
    w.recordDeferred('4F1A2C');
    w.recordDeferred();
    w.recordDeferred();
    w.recordBounced('4F1A2D');
    const r = w.finish(context);
    expect(r).toMatchObject({ delivered: 2, deferred: 4, bounced: 1, delay_max_s: 12, stage_p95_s: { receive: 0.01, queue: 0.01, scan: null, deliver: 0.01 } });
  });

  it('carries the scan queue when the sender has one, and leaves it out when it has not (Postfix logs)', () => {
    const withScan = new FlowWindow(0).finish({ ...context, scanQueue: { scanned: 190, ahead: 4200 } });
    expect(withScan).toMatchObject({ scanned: 190, scan_ahead: 4200 });
    expect(rollupSchema.parse(withScan)).toMatchObject({ scanned: 190, scan_ahead: 4200 });
    const without = new FlowWindow(0).finish(context);
    expect('scanned' in without || 'scan_ahead' in without).toBe(false);
    expect(rollupSchema.parse(without).scanned).toBeUndefined();
    expect(rollupSchema.safeParse({ ...without, scanned: -1 }).success).toBe(false);
  });
});

describe('a flow queue at a moment', () => {
  it('counts a message once per flow, each destination by its oldest message, and recent idle destinations as not late', () => {
    const tally = new QueueTally();
    // A message for two outbound domains and a hosted mailbox, waiting 20 minutes.
    tally.message('outbound', 1_200_000);
    tally.recipient('outbound', 'Slow.example', 1_200_000, 'connection timed out');
    tally.recipient('outbound', 'other.example', 1_200_000, 'connection timed out');
    tally.message('inbound', 1_200_000);
    tally.recipient('inbound', 'demo.tayori.test', 1_200_000, null);
    // A newer message for the same slow domain, with another error: the oldest one's is shown.
    tally.message('outbound', 30_000);
    tally.recipient('outbound', 'slow.example', 30_000, '450 try later');
    const states = tally.finish((flow) => (flow === 'outbound' ? ['slow.example', 'fine.example', 'quiet.example'] : []));
    expect(states.outbound).toMatchObject({ depth: 2, oldestAgeS: 1200 });
    expect(states.outbound.ages.reduce((a, b) => a + b, 0)).toBe(2);
    // slow and other wait 20 minutes; fine and quiet had mail lately and have none waiting.
    expect(states.outbound.destinations[0]).toBe(2);
    expect(states.outbound.destinations.reduce((a, b) => a + b, 0)).toBe(4);
    expect(states.outbound.top).toEqual([
      { domain: 'other.example', waiting: 1, oldest_age_s: 1200, last_error: 'connection timed out' },
      { domain: 'slow.example', waiting: 2, oldest_age_s: 1200, last_error: 'connection timed out' },
    ]);
    expect(states.inbound).toMatchObject({ depth: 1, top: [{ domain: 'demo.tayori.test', waiting: 1, last_error: null }] });
  });

  it('an idle flow reports nothing waiting', () => {
    const states = new QueueTally().finish(() => []);
    expect(states.inbound).toEqual(idleQueueState());
    expect(states.outbound).toEqual(idleQueueState());
  });
});
