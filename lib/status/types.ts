import { z } from 'zod';

// The vocabulary: every status, impact and order the product uses, once. Listed from best to
// worst wherever order matters, so that an index is a rank.

/** Component statuses, best to worst for customers: maintenance is planned, so above "operational" but below any fault. */
export const COMPONENT_STATUSES = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
] as const;
export const ComponentStatus = z.enum(COMPONENT_STATUSES);
export type ComponentStatus = z.infer<typeof ComponentStatus>;

/** Faults only, mildest first: what a metric rule can assert. */
export const FAULT_LEVELS = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const satisfies readonly ComponentStatus[];
export type FaultLevel = (typeof FAULT_LEVELS)[number];

/**
 * Nothing measured for too long: not a status a component is set to, but one its history and its
 * rule can be in (the page shows データなし / No data, never "operational").
 */
export const NO_DATA = 'no_data';
export type NoData = typeof NO_DATA;
/** A component's state as its history records it. */
export type RecordedStatus = ComponentStatus | NoData;
/**
 * Recorded states, best to worst, for "the worst of a day": a stretch without data is worse than
 * maintenance (nobody can vouch for it) and better than any fault.
 */
export const RECORDED_STATUSES = ['operational', 'under_maintenance', NO_DATA, 'degraded_performance', 'partial_outage', 'major_outage'] as const satisfies readonly RecordedStatus[];

/**
 * What a component's rule follows: the delay of a mail flow, the spam check being bypassed, or the
 * component's reported signals (Alertmanager's alerts and the built-in probes, lib/rules/signal-windows.ts).
 */
export const RULE_METRICS = ['mail_delay', 'scan_bypass', 'signals'] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];
export const SIGNALS_METRIC = 'signals' satisfies RuleMetric;

export const INCIDENT_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export const IncidentImpact = z.enum(INCIDENT_IMPACTS);
export type IncidentImpact = z.infer<typeof IncidentImpact>;

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Incidents still going on: listed as ongoing, counted in the page's indicator, followed by automatic updates. */
export const UNRESOLVED_INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring'] as const satisfies readonly IncidentStatus[];

export function isUnresolved(status: IncidentStatus): boolean {
  return (UNRESOLVED_INCIDENT_STATUSES as readonly string[]).includes(status);
}

/** Rank of a component status (0 = operational); an unknown string ranks as operational. */
export function componentRank(status: string): number {
  return Math.max(0, COMPONENT_STATUSES.indexOf(status as ComponentStatus));
}

/** The worse of two component statuses. */
export function worseStatus<T extends ComponentStatus>(a: T, b: T): T {
  return componentRank(b) > componentRank(a) ? b : a;
}

/** Rank of an impact (0 = none). */
export function impactRank(impact: string): number {
  return Math.max(0, INCIDENT_IMPACTS.indexOf(impact as IncidentImpact));
}

/**
 * What part of its period an uptime figure covers: all of it; one recent stretch (a component
 * added lately); the period less stretches without data; nothing known at all.
 */
export const UPTIME_COVERAGES = ['whole_period', 'recent', 'with_gaps', 'none'] as const;
export type UptimeCoverage = (typeof UPTIME_COVERAGES)[number];

export function isComponentStatus(value: string): value is ComponentStatus {
  return (COMPONENT_STATUSES as readonly string[]).includes(value);
}
