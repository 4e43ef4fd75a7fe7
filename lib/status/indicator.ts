import type { ComponentStatus, IncidentImpact } from './types';

// The page-wide indicator, computed as Statuspage does: the worst of the component statuses and
// the impacts of unresolved incidents, with maintenance shown only when nothing is broken.
export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

const COMPONENT_RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 1,
  partial_outage: 2,
  major_outage: 3,
};
const IMPACT_RANK: Record<IncidentImpact, number> = { none: 0, minor: 1, major: 2, critical: 3 };
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
  const componentRank = Math.max(0, ...componentStatuses.map((s) => COMPONENT_RANK[s]));
  const impactRank = Math.max(0, ...unresolvedImpacts.map((i) => IMPACT_RANK[i]));
  const rank = Math.max(componentRank, impactRank);

  if (rank === 0) {
    return componentStatuses.includes('under_maintenance')
      ? { indicator: 'maintenance', description: 'maintenance' }
      : { indicator: 'none', description: 'all_operational' };
  }
  const indicator = RANK_INDICATOR[rank];
  if (rank === 1) {
    // Only slowness, nothing down: say "degraded" rather than "outage".
    const onlyDegraded = componentRank === 1 && impactRank <= 1 && !componentStatuses.includes('partial_outage');
    return { indicator, description: onlyDegraded ? 'partially_degraded' : 'minor_outage' };
  }
  return { indicator, description: rank === 2 ? 'partial_outage' : 'major_outage' };
}
