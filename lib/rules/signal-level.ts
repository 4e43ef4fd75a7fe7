// What a component's reported signals (Alertmanager's alerts, the built-in probes' results) say
// at one moment, as pure functions of the stored rows: lib/rules/signal-windows.ts reads the rows
// and turns this into the rule engine's windows.

import { FAULT_LEVELS, SIGNALS_METRIC, type FaultLevel } from '../status/types';

export { SIGNALS_METRIC };

const rank = (level: FaultLevel) => FAULT_LEVELS.indexOf(level);
export const worseLevel = (a: FaultLevel, b: FaultLevel): FaultLevel => (rank(a) >= rank(b) ? a : b);
const isFaultLevel = (s: string): s is FaultLevel => (FAULT_LEVELS as readonly string[]).includes(s);

export interface AlertRow {
  level: string;
  startsAt: Date;
  /** Set when resolved, and by Alertmanager for a firing alert it stops hearing about. */
  endsAt: Date | null;
}

/** Whether an alert was firing at `t`: started, and its end (if any) still ahead. */
export function alertFiringAt(alert: AlertRow, t: Date): boolean {
  return alert.startsAt.getTime() <= t.getTime() && (alert.endsAt === null || alert.endsAt.getTime() > t.getTime());
}

/** The worst level of the alerts firing at `t` (operational when none). */
export function alertLevelAt(alerts: readonly AlertRow[], t: Date): FaultLevel {
  let level: FaultLevel = 'operational';
  for (const a of alerts) {
    if (alertFiringAt(a, t) && isFaultLevel(a.level)) level = worseLevel(level, a.level);
  }
  return level;
}

export interface ProbeSpec {
  intervalS: number;
  timeoutS: number;
  /** Consecutive failed results a location needs before it counts as failing. */
  confirmations: number;
  failureStatus: string;
  degradedAboveMs: number | null;
}

export interface ProbeResultRow {
  location: string;
  at: Date;
  ok: boolean;
  latencyMs: number | null;
}

export interface ProbeState {
  level: FaultLevel;
  /** The worst latency among the locations' latest results (ms), 0 when none was measured. */
  latencyMs: number;
}

/** How old a location's latest result may be and still speak for it: two missed runs and a timeout. */
export function freshForS(probe: Pick<ProbeSpec, 'intervalS' | 'timeoutS'>): number {
  return 2 * probe.intervalS + probe.timeoutS;
}

/** The confirmations a probe asks for (Probe.settings JSON `confirmations`, default 2). */
export function confirmationsOf(settingsJson: string): number {
  try {
    const value = (JSON.parse(settingsJson) as { confirmations?: unknown }).confirmations;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100) return value;
  } catch {
    // A probe whose settings do not parse still runs with the default.
  }
  return 2;
}

/**
 * A probe's state at `t` from its results (any order): per location, its latest result no older
 * than freshForS; a location fails when its latest `confirmations` results all failed. Failing
 * at every location that reported asserts the probe's failureStatus; at some of them, or slower
 * than degradedAboveMs anywhere, degraded_performance. Null when no location reported freshly.
 */
export function probeStateAt(probe: ProbeSpec, results: readonly ProbeResultRow[], t: Date): ProbeState | null {
  const now = t.getTime();
  const oldest = now - freshForS(probe) * 1000;
  const byLocation = new Map<string, ProbeResultRow[]>();
  for (const r of results) {
    if (r.at.getTime() > now) continue;
    const list = byLocation.get(r.location) ?? [];
    list.push(r);
    byLocation.set(r.location, list);
  }
  let reporting = 0;
  let failing = 0;
  let latencyMs = 0;
  for (const list of byLocation.values()) {
    list.sort((a, b) => b.at.getTime() - a.at.getTime());
    if (list[0].at.getTime() < oldest) continue;
    reporting++;
    const latest = list.slice(0, probe.confirmations);
    if (latest.length === probe.confirmations && latest.every((r) => !r.ok)) failing++;
    if (list[0].latencyMs !== null) latencyMs = Math.max(latencyMs, list[0].latencyMs);
  }
  if (!reporting) return null;
  const failure = isFaultLevel(probe.failureStatus) ? probe.failureStatus : 'major_outage';
  if (failing === reporting) return { level: failure, latencyMs };
  const slow = probe.degradedAboveMs !== null && latencyMs > probe.degradedAboveMs;
  if (failing > 0 || slow) return { level: 'degraded_performance', latencyMs };
  return { level: 'operational', latencyMs };
}

export interface SignalSnapshot {
  level: FaultLevel;
  /** The worst probe latency (ms), 0 when no probe measured one. */
  value: number;
}

/**
 * The component's level at `t`: the worst of its firing alerts and its probes' states. Null (no
 * data) only when the component relies on probes alone and none of them reported freshly.
 */
export function signalAt(
  input: { alerts: readonly AlertRow[]; receivesAlerts: boolean; probes: readonly { spec: ProbeSpec; results: readonly ProbeResultRow[] }[] },
  t: Date,
): SignalSnapshot | null {
  let level = alertLevelAt(input.alerts, t);
  let value = 0;
  let fresh = 0;
  for (const p of input.probes) {
    const state = probeStateAt(p.spec, p.results, t);
    if (!state) continue;
    fresh++;
    level = worseLevel(level, state.level);
    value = Math.max(value, state.latencyMs);
  }
  const probesOnly = input.probes.length > 0 && !input.receivesAlerts;
  if (probesOnly && fresh === 0) return null;
  return { level, value };
}
