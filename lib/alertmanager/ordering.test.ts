import { describe, expect, it } from 'vitest';
import { orderingOf, type AlertEpisode } from './ordering';

const t = (m: number) => new Date(Date.UTC(2026, 11, 6, 10, m));
const firing = (start: number): AlertEpisode => ({ status: 'firing', startsAt: t(start), endsAt: null });
const resolved = (start: number, end: number): AlertEpisode => ({ status: 'resolved', startsAt: t(start), endsAt: t(end) });

describe('the order of notifications about one alert', () => {
  it('applies the first notification, a repeat and a resolve', () => {
    expect(orderingOf(null, firing(0))).toEqual({ apply: true });
    expect(orderingOf(firing(0), firing(0))).toEqual({ apply: true });
    expect(orderingOf(firing(0), resolved(0, 5))).toEqual({ apply: true });
  });

  it('never lets a firing notification undo the resolve that followed it', () => {
    expect(orderingOf(resolved(0, 5), firing(0))).toEqual({ apply: false, reason: 'firing_after_resolve' });
  });

  it('ignores notifications of an older episode, and an older resolve', () => {
    expect(orderingOf(firing(10), resolved(0, 5))).toEqual({ apply: false, reason: 'stale' });
    expect(orderingOf(firing(10), firing(0))).toEqual({ apply: false, reason: 'stale' });
    expect(orderingOf(resolved(0, 8), resolved(0, 5))).toEqual({ apply: false, reason: 'stale' });
  });

  it('applies a new episode after a resolve', () => {
    expect(orderingOf(resolved(0, 5), firing(10))).toEqual({ apply: true });
  });
});
