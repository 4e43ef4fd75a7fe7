import { describe, expect, it } from 'vitest';
import { FairQueue, KnownFirstQueue } from './fair-queue.js';

const item = (id: string, sourceKey: string, queuedAt: number) => ({ id, sourceKey, queuedAt });

describe('FairQueue', () => {
  it('takes turns between sources so a flood cannot starve a single sender', () => {
    const q = new FairQueue('fair', 60_000);
    for (let i = 0; i < 100; i++) q.push(item(`f${i}`, 'flood', 1000 + i));
    q.push(item('v', 'victim', 2000));
    const order = Array.from({ length: 4 }, () => q.shift(3000)!.id);
    expect(order).toEqual(['f0', 'v', 'f1', 'f2']);
    expect(q.size).toBe(97);
  });

  it('lets mail that waited longer than the priority age go first, out of turn', () => {
    const q = new FairQueue('fair', 10_000);
    q.push(item('a1', 'a', 0));
    q.push(item('a2', 'a', 1_000));
    q.push(item('b1', 'b', 2_000));
    expect(q.shift(5_000)!.id).toBe('a1');
    // It is b's turn, but a2 has now waited 10 s.
    expect(q.shift(11_000)!.id).toBe('a2');
    expect(q.shift(11_000)!.id).toBe('b1');
  });

  it('is plain arrival order in fifo mode', () => {
    const q = new FairQueue('fifo', 0);
    ['x1', 'x2', 'y1', 'x3'].forEach((id, i) => q.push(item(id, id[0]!, i)));
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()].map((i) => i?.id)).toEqual(['x1', 'x2', 'y1', 'x3', undefined]);
  });

  it('drains everything oldest first and reports the oldest waiting item', () => {
    const q = new FairQueue('fair', 60_000);
    q.push(item('b', 's2', 5));
    q.push(item('a', 's1', 1));
    q.push(item('a', 's1', 1));
    expect(q.size).toBe(2);
    expect(q.oldest()!.id).toBe('b');
    expect(q.drain().map((i) => i.id)).toEqual(['b', 'a']);
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  // What the arrival estimate relies on: the count the MTA reports is the number of shifts a
  // newcomer actually waits for, in each mode.
  const shiftsBefore = (q: FairQueue<ReturnType<typeof item>>, id: string, now: number) => {
    let n = 0;
    while (q.shift(now)!.id !== id) n++;
    return n;
  };

  it('counts what a new sender waits behind: everything in fifo mode', () => {
    const q = new FairQueue('fifo', 0);
    for (let i = 0; i < 50; i++) q.push(item(`f${i}`, i % 2 ? 'a' : 'b', i));
    q.shift();
    expect(q.aheadOfNewcomer(100)).toBe(49);
    q.push(item('new', 'newcomer', 100));
    expect(shiftsBefore(q, 'new', 100)).toBe(49);
  });

  it('counts what a new sender waits behind: one turn per sender in fair mode, plus mail past the priority age', () => {
    const fresh = new FairQueue('fair', 60_000);
    for (let i = 0; i < 100; i++) fresh.push(item(`f${i}`, `s${i % 7}`, 1000 + i));
    fresh.shift(2000);
    fresh.shift(2000);
    expect(fresh.aheadOfNewcomer(2000)).toBe(5);
    fresh.push(item('new', 'newcomer', 2000));
    expect(shiftsBefore(fresh, 'new', 2000)).toBe(5);

    const aged = new FairQueue('fair', 10_000);
    for (let i = 0; i < 4; i++) aged.push(item(`old${i}`, 'flood', 0));
    for (let i = 0; i < 6; i++) aged.push(item(`young${i}`, 'flood', 15_000));
    aged.push(item('other', 'other', 15_000));
    // Four past the priority age go first, then one turn each for flood and other.
    expect(aged.aheadOfNewcomer(16_000)).toBe(6);
    aged.push(item('new', 'newcomer', 16_000));
    expect(shiftsBefore(aged, 'new', 16_000)).toBe(6);
  });
});

describe('KnownFirstQueue', () => {
  it('scans every known sender’s mail before a flood of newcomers, whenever it arrives', () => {
    const q = new KnownFirstQueue('fair', 600_000);
    // 3,000 newcomers, one message each (a flood no per-client limit sees), then one correspondent.
    for (let i = 0; i < 3000; i++) q.push(item(`s${i}`, `10.0.${i >> 8}.${i & 255}`, i), 'unknown');
    q.push(item('reply', '198.51.100.20', 5000), 'known');
    expect(q.shift(6000)).toEqual({ item: item('reply', '198.51.100.20', 5000), cls: 'known' });
    expect(q.shift(6000)!.item.id).toBe('s0');
    expect(q.size).toBe(2999);
    expect(q.oldest()!.id).toBe('s1');
  });

  it('stays fair within each class: a busy known sender takes turns with other known senders', () => {
    const q = new KnownFirstQueue('fair', 600_000);
    for (let i = 0; i < 5; i++) q.push(item(`k${i}`, 'busy-partner', i), 'known');
    q.push(item('quiet', 'other-partner', 10), 'known');
    q.push(item('u', 'newcomer', 0), 'unknown');
    expect([1, 2, 3].map(() => q.shift(20)!.item.id)).toEqual(['k0', 'quiet', 'k1']);
  });

  it('moves a newcomer’s waiting mail up once the sender is known', () => {
    const q = new KnownFirstQueue('fair', 600_000);
    q.push(item('a1', 'flood', 0), 'unknown');
    q.push(item('b1', 'partner', 1), 'unknown');
    q.push(item('b2', 'partner', 2), 'unknown');
    expect(q.promote((m) => m.sourceKey === 'partner')).toBe(2);
    expect(q.sizeOf('known')).toBe(2);
    expect([1, 2, 3].map(() => q.shift(10)!.item.id)).toEqual(['b1', 'b2', 'a1']);
  });

  it('gives the breaker the oldest of one class, and drains both oldest first', () => {
    const q = new KnownFirstQueue('fair', 600_000);
    q.push(item('u1', 'x', 1), 'unknown');
    q.push(item('k1', 'y', 2), 'known');
    q.push(item('u2', 'z', 3), 'unknown');
    expect(q.oldestOf('known')!.id).toBe('k1');
    expect(q.shiftOldest('known')!.id).toBe('k1');
    expect(q.oldestOf('known')).toBeUndefined();
    q.push(item('k2', 'y', 4), 'known');
    expect(q.drain().map((e) => `${e.item.id}:${e.cls}`)).toEqual(['u1:unknown', 'u2:unknown', 'k2:known']);
    expect(q.size).toBe(0);
  });

  it('serves both classes in plain arrival order in fifo mode (the 2014 replay)', () => {
    const q = new KnownFirstQueue('fifo', 0);
    q.push(item('u1', 'x', 1), 'unknown');
    q.push(item('k1', 'y', 2), 'known');
    q.push(item('u2', 'x', 3), 'unknown');
    expect([1, 2, 3].map(() => q.shift()!.item.id)).toEqual(['u1', 'k1', 'u2']);
  });
});
