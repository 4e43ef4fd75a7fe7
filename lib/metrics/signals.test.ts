import { describe, expect, it } from 'vitest';
import { bucketOf, emptyCounts, type Counts } from '#contracts/histogram';
import { initialRuleState, observe, type RuleConfig } from '../rules/engine';
import { DEFAULT_LATE_MAIL, flowSignal, lateDelay, type FlowWindow } from './signals';

// The product's rule for メール受信 and メール送信: degraded over 5 minutes, partial over 30,
// major over 60, entered after two windows, left after five healthy minutes.
const rule: RuleConfig = { degradedAboveS: 300, partialAboveS: 1800, majorAboveS: 3600, enterWindows: 2, leaveAfterS: 300, noDataAfterS: 180 };
const t0 = Date.parse('2026-12-01T01:00:00Z');

const counts = (values: number[]): Counts => {
  const c = emptyCounts();
  for (const v of values) c[bucketOf(v)]++;
  return c;
};
const repeat = (n: number, value: number) => Array.from({ length: n }, () => value);
const spread = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / Math.max(1, n - 1));

/** A window of one flow: delivered delays, waiting ages and (outbound) per-destination oldest ages. */
function window(i: number, flow: FlowWindow['flow'], delivered: number[], waiting: number[], destinations?: number[]): FlowWindow {
  return {
    start: new Date(t0 + i * 10_000),
    seconds: 10,
    flow,
    delivered: counts(delivered),
    deliveredMax: delivered.length ? Math.max(...delivered) : null,
    waiting: counts(waiting),
    oldestWaitingS: waiting.length ? Math.max(...waiting) : 0,
    destinations: destinations ? counts(destinations) : null,
  };
}

/** The statuses the rule shows after each of `n` windows built by `make`. */
function run(n: number, make: (i: number) => FlowWindow): string[] {
  let state = initialRuleState();
  const statuses: string[] = [];
  for (let i = 0; i < n; i++) {
    const w = make(i);
    const signal = flowSignal(w);
    state = observe(state, { start: w.start, seconds: w.seconds, value: signal.value, peak: signal.peak }, rule);
    statuses.push(state.ruleStatus);
  }
  return statuses;
}

const HOUR = 3600;
const healthy = () => repeat(20, 0.1);

describe('late mail: a handful never makes a figure', () => {
  it('reads the delay that at least max(N, 5 %) of the mail reached', () => {
    expect(lateDelay(counts([...repeat(95, 1), ...repeat(5, 400)]), 5, 0.05, 400)).toBeGreaterThan(300);
    expect(lateDelay(counts([...repeat(96, 1), ...repeat(4, 400)]), 5, 0.05, 400)).toBeLessThanOrEqual(1);
    // In a busy window the share decides: 40 late messages of 1,000 are not 5 %.
    expect(lateDelay(counts([...repeat(960, 1), ...repeat(40, 400)]), 5, 0.05, 400)).toBeLessThanOrEqual(1);
    expect(lateDelay(counts([...repeat(940, 1), ...repeat(60, 400)]), 5, 0.05, 400)).toBeGreaterThan(300);
    // Fewer messages than N: nothing to say.
    expect(lateDelay(counts(repeat(4, HOUR)), 5, 0.05, HOUR)).toBe(0);
  });

  it('is exact at the thresholds, which are bucket bounds: over 300 s only when N messages are over 300 s', () => {
    expect(lateDelay(counts([...repeat(20, 1), ...repeat(5, 300)]), 5, 0, 300)).toBeLessThanOrEqual(300);
    expect(lateDelay(counts([...repeat(20, 1), ...repeat(5, 300.5)]), 5, 0, 300.5)).toBeGreaterThan(300);
  });
});

describe('inbound (メール受信)', () => {
  it('one message stuck for an hour among healthy traffic stays operational', () => {
    const statuses = run(6 * 30, (i) => window(i, 'inbound', healthy(), [HOUR + i * 10, 0.2]));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('four stuck messages (a handful) stay operational, even in a quiet hour', () => {
    const statuses = run(6 * 30, (i) => window(i, 'inbound', i % 30 === 0 ? [0.1] : [], repeat(4, HOUR + i * 10)));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('the stuck message delivered at last, alone in its window, changes nothing', () => {
    const statuses = run(12, (i) => window(i, 'inbound', i === 5 ? [HOUR] : healthy(), []));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('a real backlog is seen while it builds, from the waiting mail, before any of it is delivered late', () => {
    // A spam flood: the queue grows by 600 a window and nothing late has been delivered yet.
    const statuses = run(12, (i) => {
      const age = 60 * (i + 1);
      return window(i, 'inbound', repeat(30, 0.5), spread(600 * (i + 1), 0, age));
    });
    // 300 s is passed by 5 % of the queue in window 6 (ages up to 420 s): degraded after two such windows.
    expect(statuses.indexOf('degraded_performance')).toBeGreaterThan(4);
    expect(statuses.indexOf('degraded_performance')).toBeLessThan(9);
  });

  it('a backlog that only shows in delivered mail (the waiting ages unknown) is seen too', () => {
    const statuses = run(6, (i) => window(i, 'inbound', repeat(40, 420 + i), []));
    expect(statuses.at(-1)).toBe('degraded_performance');
  });

  it('a delay that flaps around the threshold still enters: the waiting mail keeps the signal up', () => {
    // Deliveries alternate between fast and slow windows (a breaker, a busy scanner), but mail
    // older than the threshold waits in every window.
    const statuses = run(10, (i) => window(i, 'inbound', i % 2 ? repeat(30, 400) : repeat(30, 5), spread(300, 0, 480)));
    expect(statuses.at(-1)).toBe('degraded_performance');
  });

  it('the figure people read is the delay at least N messages reached, not one straggler', () => {
    const w = window(0, 'inbound', [...repeat(20, 700), 5000], []);
    // The twenty reached (600, 900]: "up to about 15 minutes", not the straggler's 83.
    expect(flowSignal(w).peak).toBe(900);
  });

  it('says the maximum itself when the late messages share its bucket: all waited 45 minutes, not 42', () => {
    expect(flowSignal(window(0, 'inbound', repeat(20, 2700), [])).peak).toBe(2700);
    expect(flowSignal(window(0, 'inbound', repeat(20, 0.1), [800, 810, 820, 830, 840])).peak).toBe(840);
  });
});

describe('outbound (メール送信)', () => {
  const idle = (n: number) => repeat(n, 0);

  it('a confirmation to one unreachable domain, alone on a quiet system, stays operational', () => {
    const statuses = run(6 * 60, (i) => window(i, 'outbound', [], [i * 10], [i * 10]));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('relayed mail deferred for ten minutes by one or two domains stays operational', () => {
    const statuses = run(6 * 15, (i) => window(i, 'outbound', healthy(), repeat(40, 600 + i), [600 + i, 590 + i, ...idle(20)]));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('mail waiting for many destinations at once is an outage of ours', () => {
    // The relay is down: every destination active lately has mail waiting, growing older.
    const statuses = run(12, (i) => window(i, 'outbound', [], repeat(60, 280 + i * 10), repeat(20, 280 + i * 10)));
    expect(statuses.at(-1)).toBe('degraded_performance');
  });

  it('three stuck domains among many healthy ones are the remotes\u2019 trouble', () => {
    const statuses = run(60, (i) => window(i, 'outbound', healthy(), repeat(9, 900 + i), [900 + i, 800, 700, ...idle(40)]));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('delivered mail never counts: a domain that recovers delivers its late mail in one burst', () => {
    const statuses = run(6, (i) => window(i, 'outbound', repeat(200, 1800 + i), [], idle(10)));
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('without destinations from the source, waiting mail is judged by message', () => {
    const w = window(0, 'outbound', [], repeat(10, 400));
    expect(flowSignal(w).value).toBeGreaterThan(300);
    expect(flowSignal(window(0, 'outbound', [], repeat(4, 400))).value).toBe(0);
  });
});

describe('settings', () => {
  it('defaults are the documented ones', () => {
    expect(DEFAULT_LATE_MAIL).toEqual({ minMessages: 5, share: 0.05, minDestinations: 3, destinationShare: 0.5 });
  });
});
