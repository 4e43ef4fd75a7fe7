// Alertmanager's `severity` label → the component status an alert asserts while it fires.
// ALERTMANAGER_SEVERITY_MAP is `label=status` pairs, comma-separated; `*` names the status for a
// severity that is not listed (or no severity label at all). Without `*`, such alerts are ignored.
// Pure: lib/env.ts validates the setting with it.

import { FAULT_LEVELS, type FaultLevel } from '../status/types';

export const DEFAULT_SEVERITY_MAP = 'critical=major_outage,warning=degraded_performance,*=partial_outage';

/** The statuses an alert can assert: the faults (an alert never says "operational"). */
const ASSERTABLE = FAULT_LEVELS.filter((l) => l !== 'operational');

export interface SeverityMap {
  levels: ReadonlyMap<string, FaultLevel>;
  fallback: FaultLevel | null;
}

/** Parses the setting, or throws an Error whose message says what is wrong. */
export function parseSeverityMap(setting: string): SeverityMap {
  const levels = new Map<string, FaultLevel>();
  let fallback: FaultLevel | null = null;
  for (const raw of setting.split(',')) {
    const pair = raw.trim();
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const severity = eq > 0 ? pair.slice(0, eq).trim() : '';
    const status = eq > 0 ? pair.slice(eq + 1).trim() : '';
    if (!severity || !status) throw new Error(`"${pair}" is not severity=status`);
    if (!(ASSERTABLE as readonly string[]).includes(status)) throw new Error(`"${status}" is not one of ${ASSERTABLE.join(', ')}`);
    if (severity === '*') fallback = status as FaultLevel;
    else levels.set(severity.toLowerCase(), status as FaultLevel);
  }
  if (!levels.size && !fallback) throw new Error('no severity is mapped');
  return { levels, fallback };
}

/** The status an alert of this severity asserts; null when it maps to none (the alert is ignored). */
export function levelForSeverity(map: SeverityMap, severity: string | undefined): FaultLevel | null {
  const listed = severity === undefined ? undefined : map.levels.get(severity.trim().toLowerCase());
  return listed ?? map.fallback;
}
