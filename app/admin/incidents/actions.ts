'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { adminLang } from '@/lib/auth/admin-lang';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { refreshStatusPages } from '@/lib/cache/refresh';
import { renderMarkdown, type SanitizedHtml } from '@/lib/content/markdown';
import { env } from '@/lib/env';
import { adminText } from '@/lib/i18n/admin';
import {
  correctIncidentUpdate,
  createIncident,
  postIncidentUpdate,
  publishReport,
  saveReport,
  saveSummary,
  setIncidentPublished,
  type ComponentChange,
} from '@/lib/incidents/admin';
import { incidentSlugBase } from '@/lib/incidents/slug';
import { enqueueIncidentNotice } from '@/lib/notices/enqueue';
import { previewIncidentNotice, type NoticePreview } from '@/lib/notices/preview';
import { draftReport } from '@/lib/incidents/report-draft';
import { draftReportIfEmpty, gatherReportEvidence } from '@/lib/rules/report-evidence';
import { ComponentStatus, IncidentImpact, IncidentStatus } from '@/lib/status/types';

export interface FormState {
  ok?: string;
  error?: string;
  fields?: Record<string, string>;
  /** What was submitted, so a form shown again with errors keeps every entry. */
  values?: Record<string, string>;
}

function submitted(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string' && !key.startsWith('$ACTION')) values[key] = value;
  return values;
}

const text = (max: number) => z.string().trim().min(1).max(max);
const markdown = z.string().trim().min(1).max(20_000);
const id = z.string().min(1).max(40);

/** Field errors keyed by field name, in the console's language. */
async function fieldErrors(error: z.ZodError): Promise<FormState> {
  const t = adminText(await adminLang());
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    fields[key] ??= issue.code === 'too_small' ? t.required : issue.message;
  }
  return { fields };
}

/** "component:<id>" form fields whose value is a status ("" = leave as is). */
function componentChanges(formData: FormData): ComponentChange[] {
  const changes: ComponentChange[] = [];
  for (const [key, value] of formData.entries()) {
    if (!key.startsWith('component:') || !value) continue;
    const status = ComponentStatus.safeParse(value);
    if (status.success) changes.push({ componentId: key.slice('component:'.length), status: status.data });
  }
  return changes;
}

const confirmed = z.literal('yes', { error: 'confirm' });

const NewIncidentSchema = z.object({
  titleJa: text(200),
  titleEn: text(200),
  impact: IncidentImpact,
  status: IncidentStatus.exclude(['resolved', 'postmortem']),
  bodyJa: markdown,
  bodyEn: markdown,
  publish: z.enum(['now', 'draft']),
});

export async function createIncidentAction(_: FormState, formData: FormData): Promise<FormState> {
  const staff = await authorizeAction('editor');
  const parsed = NewIncidentSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ...(await fieldErrors(parsed.error)), values: submitted(formData) };
  const input = parsed.data;
  if (input.publish === 'now' && formData.get('confirm') !== 'yes') return { fields: { confirm: adminText(await adminLang()).confirmPublic }, values: submitted(formData) };

  const notify = input.publish === 'now' && formData.get('notify') === 'yes';
  const { incident, update } = await createIncident(
    { ...input, components: componentChanges(formData), published: input.publish === 'now', notify },
    incidentSlugBase(input.titleEn, new Date(), env.SITE_TIME_ZONE),
  );
  await audit(staff, input.publish === 'now' ? 'incident.publish' : 'incident.create_draft', { type: 'incident', id: incident.id }, { title: input.titleJa, impact: input.impact, status: input.status }, await clientIp());
  if (notify) {
    const noticeId = await enqueueIncidentNotice(incident.id, update.id, 'incident_opened');
    await audit(staff, 'incident.notify', { type: 'incident', id: incident.id }, { noticeId }, await clientIp());
  }
  refreshStatusPages();
  redirect(`/admin/incidents/${incident.id}`);
}

const UpdateSchema = z.object({ incidentId: id, status: IncidentStatus.exclude(['postmortem']), bodyJa: markdown, bodyEn: markdown });

export async function postUpdateAction(_: FormState, formData: FormData): Promise<FormState> {
  const staff = await authorizeAction('editor');
  const parsed = UpdateSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ...(await fieldErrors(parsed.error)), values: submitted(formData) };
  const t = adminText(await adminLang());
  if (!confirmed.safeParse(formData.get('confirm')).success) return { fields: { confirm: t.confirmPublic }, values: submitted(formData) };
  const { incidentId, ...input } = parsed.data;
  const notify = formData.get('notify') === 'yes';
  const { update, incident } = await postIncidentUpdate(incidentId, { ...input, components: componentChanges(formData), notify });
  await audit(staff, 'incident.update', { type: 'incident', id: incidentId }, { updateId: update.id, status: input.status }, await clientIp());
  // Resolved: the final report starts as a draft from the evidence, unless staff have written one.
  if (input.status === 'resolved') await draftReportIfEmpty(incidentId).catch((error: Error) => console.error(`drafting the report of incident ${incidentId} failed: ${error.message}`));
  if (notify && incident.published) {
    const noticeId = await enqueueIncidentNotice(incidentId, update.id);
    await audit(staff, 'incident.notify', { type: 'incident', id: incidentId }, { noticeId, updateId: update.id }, await clientIp());
  }
  refreshStatusPages();
  return { ok: t.saved };
}

const CorrectionSchema = z.object({ updateId: id, incidentId: id, bodyJa: markdown, bodyEn: markdown });

export async function correctUpdateAction(_: FormState, formData: FormData): Promise<FormState> {
  const staff = await authorizeAction('editor');
  const parsed = CorrectionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ...(await fieldErrors(parsed.error)), values: submitted(formData) };
  const t = adminText(await adminLang());
  if (!confirmed.safeParse(formData.get('confirm')).success) return { fields: { confirm: t.confirmPublic }, values: submitted(formData) };
  const before = await correctIncidentUpdate(parsed.data.updateId, parsed.data.bodyJa, parsed.data.bodyEn, staff.id);
  await audit(staff, 'incident.update_corrected', { type: 'incident', id: parsed.data.incidentId }, { updateId: before.id, previousJa: before.bodyJa, previousEn: before.bodyEn }, await clientIp());
  refreshStatusPages();
  return { ok: t.saved };
}

// Empty is allowed: the page then shows the latest update's text.
const SummarySchema = z.object({ incidentId: id, summaryJa: z.string().trim().max(2000), summaryEn: z.string().trim().max(2000) });

export async function saveSummaryAction(_: FormState, formData: FormData): Promise<FormState> {
  const staff = await authorizeAction('editor');
  const parsed = SummarySchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ...(await fieldErrors(parsed.error)), values: submitted(formData) };
  const t = adminText(await adminLang());
  if (!confirmed.safeParse(formData.get('confirm')).success) return { fields: { confirm: t.confirmPublic }, values: submitted(formData) };
  const { incidentId, summaryJa, summaryEn } = parsed.data;
  const before = await saveSummary(incidentId, summaryJa, summaryEn);
  await audit(staff, 'incident.summary_saved', { type: 'incident', id: incidentId }, { previousJa: before.summaryJa, previousEn: before.summaryEn }, await clientIp());
  refreshStatusPages();
  return { ok: t.saved, values: submitted(formData) };
}

export async function setPublishedAction(formData: FormData) {
  const staff = await authorizeAction('editor');
  const parsed = z.object({ incidentId: id, published: z.enum(['true', 'false']) }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return;
  const published = parsed.data.published === 'true';
  await setIncidentPublished(parsed.data.incidentId, published);
  await audit(staff, published ? 'incident.publish' : 'incident.unpublish', { type: 'incident', id: parsed.data.incidentId }, {}, await clientIp());
  refreshStatusPages();
  redirect(`/admin/incidents/${parsed.data.incidentId}`);
}

const ReportSchema = z.object({ incidentId: id, reportJa: z.string().max(100_000), reportEn: z.string().max(100_000), intent: z.enum(['save', 'publish']) });

export async function saveReportAction(_: FormState, formData: FormData): Promise<FormState> {
  const staff = await authorizeAction('editor');
  const parsed = ReportSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { ...(await fieldErrors(parsed.error)), values: submitted(formData) };
  const t = adminText(await adminLang());
  const { incidentId, reportJa, reportEn, intent } = parsed.data;
  // Publishing asks for the confirmation before anything is written: a refused publish changes nothing.
  if (intent === 'publish' && !confirmed.safeParse(formData.get('confirm')).success) return { fields: { confirm: t.confirmPublic }, values: submitted(formData) };
  await saveReport(incidentId, reportJa, reportEn);
  await audit(staff, 'incident.report_saved', { type: 'incident', id: incidentId }, { length: reportJa.length + reportEn.length }, await clientIp());
  if (intent === 'publish') {
    try {
      await publishReport(incidentId);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    await audit(staff, 'incident.report_published', { type: 'incident', id: incidentId }, {}, await clientIp());
    if (formData.get('notify') === 'yes') {
      // 【お詫び】 with the report: period, symptoms, cause, scope, actions, countermeasures.
      const noticeId = await enqueueIncidentNotice(incidentId, null, 'incident_report');
      await audit(staff, 'incident.notify', { type: 'incident', id: incidentId }, { noticeId, kind: 'incident_report' }, await clientIp());
    }
    refreshStatusPages();
  }
  return { ok: t.saved, values: submitted(formData) };
}

/** A draft of the final report from the evidence, for the editor; nothing is saved. */
export async function draftReportAction(incidentId: string): Promise<{ ja: string; en: string } | { error: string }> {
  await authorizeAction('editor');
  const parsed = id.safeParse(incidentId);
  const evidence = parsed.success ? await gatherReportEvidence(parsed.data) : null;
  if (!evidence) return { error: adminText(await adminLang()).required };
  return draftReport(evidence);
}

/** The exact mail per language (subject, text and HTML parts) and the number of recipients, for what the form holds now. */
export async function previewNoticeAction(formData: FormData): Promise<NoticePreview | { error: string }> {
  await authorizeAction('editor');
  // Trimmed as the create and update schemas trim what they save, so the preview is that text.
  const field = (name: string, max: number) => String(formData.get(name) ?? '').trim().slice(0, max);
  const draft = {
    incidentId: String(formData.get('incidentId') ?? '') || null,
    titleJa: field('titleJa', 200),
    titleEn: field('titleEn', 200),
    status: IncidentStatus.catch('investigating').parse(formData.get('status')),
    bodyJa: field('bodyJa', 20_000),
    bodyEn: field('bodyEn', 20_000),
    componentIds: componentChanges(formData).map((c) => c.componentId),
  };
  if (!draft.bodyJa.trim() || !draft.bodyEn.trim()) return { error: adminText(await adminLang()).required };
  return previewIncidentNotice(draft);
}

/** Live preview through the same pipeline as the public pages. */
export async function previewMarkdownAction(markdownText: string): Promise<SanitizedHtml> {
  await authorizeAction('editor');
  return renderMarkdown(String(markdownText).slice(0, 100_000));
}
