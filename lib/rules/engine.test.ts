import { describe, expect, it } from 'vitest';
import { checkNoData, classify, initialRuleState, observe, type RuleConfig, type RuleState } from './engine';

const config: RuleConfig = { degradedAboveS: 300, partialAboveS: 1800, majorAboveS: 3600, enterWindows: 2, leaveAfterS: 300, noDataAfterS: 180 };
const t0 = new Date('2026-11-29T00:00:00Z');

/** Feeds one value per 10-second window, starting at t0 + offset windows. */
function feed(values: number[], state: RuleState = initialRuleState(), offsetWindows = 0) {
  const statuses: string[] = [];
  for (const [i, value] of values.entries()) {
    state = observe(state, { start: new Date(t0.getTime() + (offsetWindows + i) * 10_000), seconds: 10, value }, config);
    statuses.push(state.ruleStatus);
  }
  return { state, statuses };
}

const minutes = (m: number) => m * 60;

describe('thresholds', () => {
  it('maps p95 delay to statuses at 5, 30 and 60 minutes', () => {
    expect(classify(minutes(5), config)).toBe('operational');
    expect(classify(minutes(5) + 1, config)).toBe('degraded_performance');
    expect(classify(minutes(31), config)).toBe('partial_outage');
    expect(classify(minutes(90), config)).toBe('major_outage');
  });
});

describe('hysteresis', () => {
  it('does not change on one slow window', () => {
    const { statuses } = feed([minutes(10), 5, 5]);
    expect(statuses).toEqual(['operational', 'operational', 'operational']);
  });

  it('enters a worse state after two consecutive windows', () => {
    const { statuses } = feed([5, minutes(10), minutes(10)]);
    expect(statuses).toEqual(['operational', 'operational', 'degraded_performance']);
  });

  it('enters the milder of two sustained levels when they differ', () => {
    const { statuses } = feed([minutes(40), minutes(10)]);
    expect(statuses.at(-1)).toBe('degraded_performance');
  });

  it('climbs step by step as the delay grows, like the 2014 flood', () => {
    const { statuses } = feed([minutes(10), minutes(10), minutes(40), minutes(40), minutes(90), minutes(90)]);
    expect(statuses).toEqual(['operational', 'degraded_performance', 'degraded_performance', 'partial_outage', 'partial_outage', 'major_outage']);
  });

  it('leaves a state only after five healthy minutes', () => {
    let { state } = feed([minutes(10), minutes(10)]);
    const healthy = feed(new Array(29).fill(5), state, 2);
    expect(healthy.statuses.every((s) => s === 'degraded_performance')).toBe(true);
    const after = feed([5], healthy.state, 31);
    expect(after.state.ruleStatus).toBe('operational');
    state = after.state;
    expect(state.betterSince).toBeNull();
  });

  it('recovers to the worst level seen during the healthy spell', () => {
    const { state } = feed([minutes(90), minutes(90)]);
    expect(state.ruleStatus).toBe('major_outage');
    // 5 minutes of "only" 10-minute delays: down to degraded, not to operational.
    const after = feed(new Array(30).fill(minutes(10)), state, 2);
    expect(after.state.ruleStatus).toBe('degraded_performance');
  });

  it('does not flap: a metric that alternates every window never changes the status', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i % 2 ? minutes(10) : 5));
    const { statuses } = feed(values);
    expect(new Set(statuses)).toEqual(new Set(['operational']));
  });

  it('a bad window during recovery restarts the healthy spell', () => {
    const { state } = feed([minutes(10), minutes(10)]);
    const values = [...new Array(20).fill(5), minutes(10), ...new Array(20).fill(5)];
    const after = feed(values, state, 2);
    expect(after.state.ruleStatus).toBe('degraded_performance');
  });
});

describe('no data', () => {
  it('shows "no data" after three minutes without any source', () => {
    const { state } = feed([5, 5]);
    const lastEnd = new Date(t0.getTime() + 20_000);
    expect(checkNoData(state, new Date(lastEnd.getTime() + 179_000), config, t0).ruleStatus).toBe('operational');
    expect(checkNoData(state, new Date(lastEnd.getTime() + 181_000), config, t0).ruleStatus).toBe('no_data');
  });

  it('never shows "operational" for a source that never reported', () => {
    const since = t0;
    expect(checkNoData(initialRuleState(), new Date(t0.getTime() + 200_000), config, since).ruleStatus).toBe('no_data');
  });

  it('takes the measured level at once when data returns', () => {
    const gap = checkNoData(feed([5]).state, new Date(t0.getTime() + 3_600_000), config, t0);
    expect(gap.ruleStatus).toBe('no_data');
    expect(feed([minutes(40)], gap, 400).state.ruleStatus).toBe('partial_outage');
  });
});
