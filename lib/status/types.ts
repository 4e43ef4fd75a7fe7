import { z } from 'zod';

export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export const ComponentStatus = z.enum(COMPONENT_STATUSES);
export type ComponentStatus = z.infer<typeof ComponentStatus>;

export const INCIDENT_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export const IncidentImpact = z.enum(INCIDENT_IMPACTS);
export type IncidentImpact = z.infer<typeof IncidentImpact>;

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export function isUnresolved(status: IncidentStatus): boolean {
  return status !== 'resolved' && status !== 'postmortem';
}
