import { describe, expect, it } from 'vitest';
import { overallStatus } from './indicator';
import { COMPONENT_STATUSES, INCIDENT_IMPACTS, type ComponentStatus, type IncidentImpact } from './types';

describe('overall indicator', () => {
  it('is "all operational" with every component up and no incident', () => {
    expect(overallStatus(['operational', 'operational'], [])).toEqual({ indicator: 'none', description: 'all_operational' });
  });

  it('is "all operational" with no components at all', () => {
    expect(overallStatus([], [])).toEqual({ indicator: 'none', description: 'all_operational' });
  });

  it('shows maintenance only when nothing is broken', () => {
    expect(overallStatus(['operational', 'under_maintenance'], [])).toEqual({ indicator: 'maintenance', description: 'maintenance' });
    expect(overallStatus(['under_maintenance', 'degraded_performance'], []).indicator).toBe('minor');
  });

  const componentCases: [ComponentStatus, string, string][] = [
    ['degraded_performance', 'minor', 'partially_degraded'],
    ['partial_outage', 'major', 'partial_outage'],
    ['major_outage', 'critical', 'major_outage'],
  ];
  it.each(componentCases)('a component in %s makes the page %s (%s)', (status, indicator, description) => {
    expect(overallStatus(['operational', status], [])).toEqual({ indicator, description });
  });

  const impactCases: [IncidentImpact, string][] = [
    ['none', 'none'],
    ['minor', 'minor'],
    ['major', 'major'],
    ['critical', 'critical'],
  ];
  it.each(impactCases)('an unresolved %s incident on healthy components gives %s', (impact, indicator) => {
    expect(overallStatus(['operational'], [impact]).indicator).toBe(indicator);
  });

  it('a minor incident is told as an outage, not as slowness', () => {
    expect(overallStatus(['operational'], ['minor']).description).toBe('minor_outage');
  });

  it('takes the worst of every mix of component status and incident impact', () => {
    const rank = { none: 0, minor: 1, major: 2, critical: 3, maintenance: 0 } as const;
    const componentRank = { operational: 0, under_maintenance: 0, degraded_performance: 1, partial_outage: 2, major_outage: 3 };
    const impactRank = { none: 0, minor: 1, major: 2, critical: 3 };
    for (const a of COMPONENT_STATUSES) {
      for (const b of COMPONENT_STATUSES) {
        for (const impact of INCIDENT_IMPACTS) {
          const got = overallStatus([a, b], [impact]);
          const expected = Math.max(componentRank[a], componentRank[b], impactRank[impact]);
          expect(rank[got.indicator], `${a}+${b}+${impact}`).toBe(expected);
        }
      }
    }
  });
});
