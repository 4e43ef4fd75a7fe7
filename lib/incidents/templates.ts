import 'server-only';
import { z } from 'zod';
import { audit, type AuditActor } from '../audit/log';
import { db } from '../db';
import { IncidentImpact, IncidentStatus } from '../status/types';

// Texts staff start from: a new incident, an update to one, or a maintenance, in both languages.
// A template only fills the form; nothing is published until staff submit it there.

export const TEMPLATE_KINDS = ['incident', 'update', 'maintenance'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

const text = (max: number) => z.string().trim().max(max);

export const TemplateInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(TEMPLATE_KINDS),
    titleJa: text(200),
    titleEn: text(200),
    bodyJa: text(20_000).pipe(z.string().min(1)),
    bodyEn: text(20_000).pipe(z.string().min(1)),
    status: z.union([IncidentStatus, z.literal('')]).transform((s) => s || null),
    impact: z.union([IncidentImpact, z.literal('')]).transform((s) => s || null),
  })
  // An update has no title of its own; an incident and a maintenance need one in each language.
  .superRefine((t, ctx) => {
    if (t.kind === 'update') return;
    for (const key of ['titleJa', 'titleEn'] as const) if (!t[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required' });
  });
export type TemplateInput = z.output<typeof TemplateInput>;

export interface TemplateDto {
  id: string;
  name: string;
  kind: TemplateKind;
  titleJa: string;
  titleEn: string;
  bodyJa: string;
  bodyEn: string;
  status: string | null;
  impact: string | null;
  position: number;
  updatedAt: string;
}

type Row = Awaited<ReturnType<typeof db.incidentTemplate.findFirstOrThrow>>;
const toDto = (r: Row): TemplateDto => ({ ...r, kind: r.kind as TemplateKind, updatedAt: r.updatedAt.toISOString() });

export async function listTemplates(kind?: TemplateKind): Promise<TemplateDto[]> {
  const rows = await db.incidentTemplate.findMany({ where: kind ? { kind } : {}, orderBy: [{ kind: 'asc' }, { position: 'asc' }, { name: 'asc' }] });
  return rows.map(toDto);
}

export async function getTemplate(id: string, kind?: TemplateKind): Promise<TemplateDto | null> {
  const row = await db.incidentTemplate.findFirst({ where: { id, ...(kind ? { kind } : {}) } });
  return row ? toDto(row) : null;
}

/** The audit log's record of a template: what it says, not when it was stored. */
const audited = (t: TemplateInput | TemplateDto) => ({ name: t.name, kind: t.kind, titleJa: t.titleJa, titleEn: t.titleEn, status: t.status, impact: t.impact, bodyJa: t.bodyJa.slice(0, 200), bodyEn: t.bodyEn.slice(0, 200) });

export async function createTemplate(input: TemplateInput, actor: AuditActor, ip?: string): Promise<TemplateDto> {
  const last = await db.incidentTemplate.findFirst({ where: { kind: input.kind }, orderBy: { position: 'desc' }, select: { position: true } });
  const row = await db.incidentTemplate.create({ data: { ...input, position: (last?.position ?? -1) + 1 } });
  await audit(actor, 'template.create', { type: 'template', id: row.id }, { after: audited(input) }, ip);
  return toDto(row);
}

export async function updateTemplate(id: string, input: TemplateInput, actor: AuditActor, ip?: string): Promise<TemplateDto | null> {
  const before = await getTemplate(id);
  if (!before) return null;
  const row = await db.incidentTemplate.update({ where: { id }, data: input });
  await audit(actor, 'template.update', { type: 'template', id }, { before: audited(before), after: audited(input) }, ip);
  return toDto(row);
}

export async function deleteTemplate(id: string, actor: AuditActor, ip?: string): Promise<boolean> {
  const before = await getTemplate(id);
  if (!before) return false;
  await db.incidentTemplate.delete({ where: { id } });
  await audit(actor, 'template.delete', { type: 'template', id }, { before: audited(before) }, ip);
  return true;
}

/** A template as the values of the form it starts (the field names of the console's forms). */
export function templateFormValues(t: TemplateDto): Record<string, string> {
  const values: Record<string, string> = { bodyJa: t.bodyJa, bodyEn: t.bodyEn };
  if (t.kind !== 'update') Object.assign(values, { titleJa: t.titleJa, titleEn: t.titleEn });
  if (t.status) values.status = t.status;
  if (t.impact) values.impact = t.impact;
  return values;
}
