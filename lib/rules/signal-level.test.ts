import { describe, expect, it } from 'vitest';
import { alertLevelAt, confirmationsOf, probeStateAt, signalAt, type ProbeResultRow, type ProbeSpec } from './signal-level';

const T = new Date('2026-12-06T10:00:00Z');
const ago = (s: number) => new Date(T.getTime() - s * 1000);
const probe: ProbeSpec = { intervalS: 60, timeoutS: 10, confirmations: 2, failureStatus: 'major_outage', degradedAboveMs: 500 };
const result = (location: string, secondsAgo: number, ok: boolean, latencyMs: number | null = ok ? 40 : null): ProbeResultRow => ({ location, at: ago(secondsAgo), ok, latencyMs });

describe('alerts at a moment', () => {
  it('takes the worst level of the alerts firing then', () => {
    const alerts = [
      { level: 'degraded_performance', startsAt: ago(600), endsAt: null },
      { level: 'major_outage', startsAt: ago(300), endsAt: null },
    ];
    expect(alertLevelAt(alerts, T)).toBe('major_outage');
    expect(alertLevelAt(alerts, ago(400))).toBe('degraded_performance');
    expect(alertLevelAt(alerts, ago(700))).toBe('operational');
  });

  it('counts an alert whose end has passed as resolved, though its row still says firing', () => {
    expect(alertLevelAt([{ level: 'major_outage', startsAt: ago(600), endsAt: ago(10) }], T)).toBe('operational');
    expect(alertLevelAt([{ level: 'major_outage', startsAt: ago(600), endsAt: ago(10) }], ago(20))).toBe('major_outage');
  });

  it('ignores a level that is no fault level', () => {
    expect(alertLevelAt([{ level: 'under_maintenance', startsAt: ago(60), endsAt: null }], T)).toBe('operational');
  });
});

describe('a probe at a moment', () => {
  it('fails only once its latest confirmations failed at every location', () => {
    expect(probeStateAt(probe, [result('tokyo', 120, true), result('tokyo', 60, false)], T)).toEqual({ level: 'operational', latencyMs: 0 });
    expect(probeStateAt(probe, [result('tokyo', 120, false), result('tokyo', 60, false)], T)?.level).toBe('major_outage');
    // One failure is not enough even with no earlier result to compare.
    expect(probeStateAt(probe, [result('tokyo', 60, false)], T)?.level).toBe('operational');
  });

  it('is degraded when only some locations fail', () => {
    const rows = [result('tokyo', 120, false), result('tokyo', 60, false), result('osaka', 120, true), result('osaka', 60, true, 80)];
    expect(probeStateAt(probe, rows, T)).toEqual({ level: 'degraded_performance', latencyMs: 80 });
  });

  it('is degraded when slower than degradedAboveMs, with the worst latency as its value', () => {
    const rows = [result('tokyo', 60, true, 120), result('osaka', 60, true, 900)];
    expect(probeStateAt(probe, rows, T)).toEqual({ level: 'degraded_performance', latencyMs: 900 });
    expect(probeStateAt({ ...probe, degradedAboveMs: null }, rows, T)?.level).toBe('operational');
  });

  it('asserts its own failure status', () => {
    const rows = [result('tokyo', 120, false), result('tokyo', 60, false)];
    expect(probeStateAt({ ...probe, failureStatus: 'partial_outage' }, rows, T)?.level).toBe('partial_outage');
  });

  it('leaves out a location whose latest result is stale, and has no state when all are', () => {
    const fresh = 2 * 60 + 10;
    const rows = [result('tokyo', fresh + 60, false), result('tokyo', fresh + 1, false), result('osaka', 30, true)];
    expect(probeStateAt(probe, rows, T)?.level).toBe('operational');
    expect(probeStateAt(probe, [result('tokyo', fresh + 1, true)], T)).toBeNull();
    expect(probeStateAt(probe, [result('tokyo', fresh - 1, true)], T)?.level).toBe('operational');
  });

  it('does not look at results after the moment judged', () => {
    const rows = [result('tokyo', 120, true), result('tokyo', 60, true), result('tokyo', -30, false), result('tokyo', -90, false)];
    expect(probeStateAt(probe, rows, T)?.level).toBe('operational');
  });

  it('reads confirmations from the settings, 2 by default', () => {
    expect(confirmationsOf('{"confirmations":3}')).toBe(3);
    expect(confirmationsOf('{}')).toBe(2);
    expect(confirmationsOf('not json')).toBe(2);
    expect(confirmationsOf('{"confirmations":0}')).toBe(2);
  });
});

describe('a component at a moment', () => {
  const failing = { spec: probe, results: [result('tokyo', 120, false), result('tokyo', 60, false)] };
  const stale = { spec: probe, results: [result('tokyo', 3600, true)] };

  it('is the worse of its alerts and its probes', () => {
    const alerts = [{ level: 'degraded_performance', startsAt: ago(600), endsAt: null }];
    expect(signalAt({ alerts, receivesAlerts: true, probes: [failing] }, T)).toEqual({ level: 'major_outage', value: 0 });
    expect(signalAt({ alerts, receivesAlerts: true, probes: [] }, T)).toEqual({ level: 'degraded_performance', value: 0 });
  });

  it('has no data when it relies on probes alone and none reported freshly', () => {
    expect(signalAt({ alerts: [], receivesAlerts: false, probes: [stale] }, T)).toBeNull();
    // Alerts are still heard: an alert-driven component is never "no data" for a stale probe.
    expect(signalAt({ alerts: [], receivesAlerts: true, probes: [stale] }, T)).toEqual({ level: 'operational', value: 0 });
    // With neither probes nor alerts it is simply operational (an alerts-only component between alerts).
    expect(signalAt({ alerts: [], receivesAlerts: false, probes: [] }, T)).toEqual({ level: 'operational', value: 0 });
  });
});
