// The spam check's queue rides on the inbound rollup (the site's arrival estimate reads it): what
// left the scan queue during the window, and what a new sender would wait behind at its end.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idleQueueState } from '#contracts/rollup-builder';
import { rollupSchema } from '#contracts/rollup-schema';
import type { StateStore } from '../state/state-store.js';
import { MtaMetrics } from './metrics.js';
import { Telemetry } from './telemetry.js';

describe('telemetry: the scan queue in the rollups', () => {
  afterEach(() => vi.useRealTimers());

  it('counts what left the scan queue per window and reports what a newcomer waits behind, on the inbound rollup only', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const stored: Array<{ flow: string; body: Record<string, unknown> }> = [];
    const store = { enqueueRollup: (_start: string, flow: string, body: Record<string, unknown>) => stored.push({ flow, body }) } as unknown as StateStore;
    const policy = () => ({ policy: 'enabled' as const, bypassing: false, since: new Date(0).toISOString() });
    const metrics = new MtaMetrics(() => ({ byState: {}, depth: 0, oldestAgeS: 0, oldestScanWaitS: 0 }), policy, () => 0);
    let ahead = 4200;

    // Two windows, from 01:00:00 and 01:00:10 UTC: 190 messages left the queue in the first.
    vi.setSystemTime(Date.parse('2026-12-06T01:00:00.500Z'));
    const telemetry = new Telemetry(metrics, store, 'mx1', () => ({ inbound: idleQueueState(), outbound: idleQueueState() }), policy, () => ahead);
    for (let i = 0; i < 190; i++) telemetry.leftScanQueue();
    vi.setSystemTime(Date.parse('2026-12-06T01:00:10.500Z'));
    telemetry.rotate();
    ahead = 0;
    vi.setSystemTime(Date.parse('2026-12-06T01:00:20.500Z'));
    telemetry.rotate();

    const inbound = stored.filter((s) => s.flow === 'inbound').map((s) => s.body);
    const outbound = stored.filter((s) => s.flow === 'outbound').map((s) => s.body);
    expect(inbound).toMatchObject([
      { window_start: '2026-12-06T01:00:00.000Z', scanned: 190, scan_ahead: 4200 },
      { window_start: '2026-12-06T01:00:10.000Z', scanned: 0, scan_ahead: 0 },
    ]);
    expect(outbound).toHaveLength(2);
    expect(outbound.every((r) => !('scanned' in r) && !('scan_ahead' in r))).toBe(true);
    for (const r of [...inbound, ...outbound]) expect(rollupSchema.safeParse(r).success).toBe(true);
  });
});
