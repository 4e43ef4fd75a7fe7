import { FAULT_LEVELS, impactRank, type ComponentStatus, type IncidentImpact } from './types';

// The page-wide indicator, computed as Statuspage does: the worst of the component statuses and
// the impacts of unresolved incidents, with maintenance shown only when nothing is broken.
export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

// Maintenance is no fault: it ranks with "operational" here and shows only when nothing is broken.
const faultRank = (s: ComponentStatus) => Math.max(0, (FAULT_LEVELS as readonly string[]).indexOf(s));
const RANK_INDICATOR = ['none', 'minor', 'major', 'critical'] as const;

export type IndicatorDescription =
  | 'all_operational'
  | 'partially_degraded'
  | 'minor_outage'
  | 'partial_outage'
  | 'major_outage'
  | 'maintenance';

export interface OverallStatus {
  indicator: Indicator;
  description: IndicatorDescription;
}

export function overallStatus(
  componentStatuses: readonly ComponentStatus[],
  unresolvedImpacts: readonly IncidentImpact[],
): OverallStatus {
  const componentRank = Math.max(0, ...componentStatuses.map(faultRank));
  const incidentRank = Math.max(0, ...unresolvedImpacts.map(impactRank));
  const rank = Math.max(componentRank, incidentRank);

  if (rank === 0) {
    return componentStatuses.includes('under_maintenance')
      ? { indicator: 'maintenance', description: 'maintenance' }
      : { indicator: 'none', description: 'all_operational' };
  }
  const indicator = RANK_INDICATOR[rank];
  if (rank === 1) {
    // Only slowness, nothing down: say "degraded" rather than "outage".
    const onlyDegraded = componentRank === 1 && incidentRank <= 1 && !componentStatuses.includes('partial_outage');
    return { indicator, description: onlyDegraded ? 'partially_degraded' : 'minor_outage' };
  }
  return { indicator, description: rank === 2 ? 'partial_outage' : 'major_outage' };
}
