import { describe, expect, it } from 'vitest';
import { DestinationScheduler, type DestinationLimits } from './destination-scheduler.js';

const limits: DestinationLimits = { concurrency: 2, rateDelayMs: 0, failureLimit: 3, backoffMs: 10_000 };
const item = (id: string) => ({ id });

describe('per-destination limits', () => {
  it('lets at most `concurrency` deliveries run to one destination, and others run meanwhile', () => {
    const s = new DestinationScheduler(limits);
    s.start('gmail.test', 0);
    s.start('gmail.test', 0);
    expect(s.blocked('gmail.test', 0)).toEqual({ destination: 'gmail.test', reason: 'busy' });
    expect(s.blocked('yahoo.test', 0)).toBeUndefined();
    s.finish('gmail.test', 'ok', 1);
    expect(s.blocked('gmail.test', 1)).toBeUndefined();
  });

  it('spaces the starts of deliveries to one destination by the rate delay', () => {
    const s = new DestinationScheduler({ ...limits, rateDelayMs: 500 });
    s.start('d', 1000);
    expect(s.blocked('d', 1200)).toEqual({ destination: 'd', reason: 'rate', untilMs: 1500 });
    expect(s.blocked('other', 1200)).toBeUndefined();
    expect(s.blocked('d', 1500)).toBeUndefined();
  });

  it('holds a destination after `failureLimit` failures in a row, then probes it with one delivery', () => {
    const s = new DestinationScheduler(limits);
    for (let i = 0; i < 2; i++) {
      s.start('d', 0);
      expect(s.finish('d', 'failed', 0)).toBe(false);
    }
    s.start('d', 0);
    expect(s.finish('d', 'failed', 100)).toBe(true);
    expect(s.blocked('d', 5000)).toEqual({ destination: 'd', reason: 'held', untilMs: 10_100 });
    // The hold over: one delivery at a time until one succeeds.
    expect(s.blocked('d', 10_100)).toBeUndefined();
    s.start('d', 10_100);
    expect(s.blocked('d', 10_100)?.reason).toBe('busy');
    // The probe fails: held again at once, not after three more failures.
    expect(s.finish('d', 'failed', 10_200)).toBe(true);
    expect(s.blocked('d', 10_300)?.reason).toBe('held');
    expect(s.blocked('d', 20_200)).toBeUndefined();
    s.start('d', 20_200);
    s.finish('d', 'ok', 20_300);
    s.start('d', 20_300);
    expect(s.blocked('d', 20_300)).toBeUndefined();
    expect(s.snapshot(20_300)).toEqual([{ destination: 'd', active: 1, waiting: 0, consecutiveFailures: 0, heldUntil: null, probing: false }]);
  });

  it('a success in between starts the count of failures again; a local error counts neither way', () => {
    const s = new DestinationScheduler(limits);
    for (const r of ['failed', 'failed', 'ok', 'failed', 'none', 'failed'] as const) {
      s.start('d', 0);
      expect(s.finish('d', r, 0)).toBe(false);
    }
    expect(s.blocked('d', 0)).toBeUndefined();
  });

  it('hands parked mail back only when its destination can take it, destinations taking turns', () => {
    const s = new DestinationScheduler<{ id: string }>(limits);
    s.start('busy', 0);
    s.start('busy', 0);
    s.park('busy', item('b1'), 0);
    s.park('busy', item('b2'), 0);
    s.park('free', item('f1'), 0);
    s.park('free', item('f2'), 0);
    expect(s.takeReady(0)?.id).toBe('f1');
    expect(s.takeReady(0)?.id).toBe('f2');
    expect(s.takeReady(0)).toBeUndefined();
    s.finish('busy', 'ok', 1);
    expect(s.takeReady(1)?.id).toBe('b1');
    expect(s.remove('b2')).toBe(true);
    expect(s.takeReady(1)).toBeUndefined();
    expect(s.waitingCount).toBe(0);
  });

  it('wakes the queue when a held or rate-delayed destination with mail waiting opens', () => {
    const s = new DestinationScheduler<{ id: string }>({ ...limits, failureLimit: 1 });
    s.start('d', 0);
    s.finish('d', 'failed', 0);
    expect(s.nextWakeMs(0)).toBeUndefined();
    s.park('d', item('m'), 0);
    expect(s.nextWakeMs(0)).toBe(10_000);
    expect(s.takeReady(9_999)).toBeUndefined();
    expect(s.takeReady(10_000)?.id).toBe('m');
  });

  it('hands back all of a destination\'s waiting mail at once when asked (it was just held)', () => {
    const s = new DestinationScheduler<{ id: string }>(limits);
    s.park('d', item('a'), 0);
    s.park('d', item('b'), 0);
    s.park('e', item('c'), 0);
    expect(s.takeAll('d').map((x) => x.id)).toEqual(['a', 'b']);
    expect(s.waitingCount).toBe(1);
    expect(s.remove('a')).toBe(false);
  });

  it('the admin flush ends holds at once', () => {
    const s = new DestinationScheduler({ ...limits, failureLimit: 1 });
    s.start('d', 0);
    s.finish('d', 'failed', 0);
    expect(s.releaseHolds()).toBe(1);
    expect(s.blocked('d', 1)).toBeUndefined();
  });

  it('forgets idle healthy destinations after a while, not failing ones', () => {
    const s = new DestinationScheduler(limits);
    s.start('ok', 0);
    s.finish('ok', 'ok', 0);
    s.start('bad', 0);
    s.finish('bad', 'failed', 0);
    expect(s.snapshot(10 * 60_000).map((d) => d.destination)).toEqual(['bad']);
  });

  it('keeps a very long waiting line in order', () => {
    const s = new DestinationScheduler<{ id: string }>({ ...limits, concurrency: 1 });
    for (let i = 0; i < 5000; i++) s.park('d', item(String(i)), 0);
    const order: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const next = s.takeReady(0)!;
      order.push(next.id);
      s.start('d', 0);
      s.finish('d', 'ok', 0);
    }
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
  });
});
