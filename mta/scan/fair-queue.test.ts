import { describe, expect, it } from 'vitest';
import { FairQueue } from './fair-queue.js';

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
});
