import { z } from 'zod';
import { COMPONENT_STATUSES, INCIDENT_IMPACTS, type ComponentStatus, type IncidentImpact } from '../status/types';

// The `incident` object of Statuspage's management API, as Tayori reads it (JSON or bracketed form).
// Fields Statuspage has and Tayori does not use (metadata, backfilled, scheduled_auto_*) are ignored,
// so ported scripts keep working; every field Tayori reads is checked.

const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');
const title = z.string().trim().min(1).max(200);
const body = z.string().trim().max(20_000);
const moment = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const list = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean));

export const INCIDENT_WRITE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_WRITE_STATUSES = ['scheduled'] as const;

export const IncidentFields = z.object({
  name: title.optional(),
  name_ja: title.optional(),
  name_en: title.optional(),
  status: z.enum([...INCIDENT_WRITE_STATUSES, ...MAINTENANCE_WRITE_STATUSES]).optional(),
  impact_override: z.enum(INCIDENT_IMPACTS).optional(),
  body: body.optional(),
  body_ja: body.optional(),
  body_en: body.optional(),
  component_ids: list.optional(),
  components: z.record(z.string(), z.enum(COMPONENT_STATUSES)).optional(),
  deliver_notifications: flag.optional(),
  /** When the update happened (a script reporting late); the incident's timeline is kept in this order. */
  updated_at: moment.optional(),
  display_at: moment.optional(),
  scheduled_for: moment.optional(),
  scheduled_until: moment.optional(),
  scheduled_remind_prior: flag.optional(),
  remind_before_minutes: z.coerce.number().int().min(0).max(7 * 24 * 60).optional(),
});
export type IncidentFields = z.infer<typeof IncidentFields>;

export const IncidentBody = z.object({ incident: IncidentFields });

/** zod's complaints as "incident.status: Invalid option …" lines, for the error body's details. */
export function issueDetails(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
}

export interface Texts {
  ja: string;
  en: string;
}

/** name → both titles, unless name_ja or name_en give one language its own. */
export function titles(f: IncidentFields): Partial<Texts> {
  return { ja: f.name_ja ?? f.name, en: f.name_en ?? f.name };
}

/** What customers read when a script sends a status without a body. */
const DEFAULT_BODY: Record<string, Texts> = {
  investigating: { ja: '現在、状況を調査しています。', en: 'We are investigating this issue.' },
  identified: { ja: '原因を特定し、対応を進めています。', en: 'The cause has been identified and a fix is being implemented.' },
  monitoring: { ja: '対応を行い、経過を監視しています。', en: 'A fix has been implemented and we are monitoring the results.' },
  resolved: { ja: '復旧しました。', en: 'This incident has been resolved.' },
  scheduled: { ja: 'メンテナンスを予定しています。', en: 'Maintenance is scheduled.' },
};

export function bodies(f: IncidentFields, status: string): Texts {
  const ja = f.body_ja || f.body || '';
  const en = f.body_en || f.body || '';
  const fallback = DEFAULT_BODY[status] ?? DEFAULT_BODY.investigating;
  return { ja: ja || fallback.ja, en: en || fallback.en };
}

/** Every component the fields name, with the status given for it (null: named without a status). */
export function namedComponents(f: IncidentFields): Map<string, ComponentStatus | null> {
  const named = new Map<string, ComponentStatus | null>();
  for (const ref of f.component_ids ?? []) named.set(ref, null);
  for (const [ref, status] of Object.entries(f.components ?? {})) named.set(ref, status);
  return named;
}

/** Statuspage's impact from the components' statuses, when the script does not override it. */
export function impactFromStatuses(statuses: (ComponentStatus | null)[]): IncidentImpact {
  if (statuses.includes('major_outage')) return 'critical';
  if (statuses.includes('partial_outage')) return 'major';
  if (statuses.includes('degraded_performance')) return 'minor';
  return 'none';
}
