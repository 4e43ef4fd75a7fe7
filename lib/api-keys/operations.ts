import 'server-only';
import { formatInTimeZone } from 'date-fns-tz';
import { z } from 'zod';
import { requestLang } from '../api/http';
import { statuspageShaper } from '../api/statuspage';
import { getStatuspageSnapshot, loadIncidentSnapshot, type SnapshotMaintenance } from '../api/statuspage-data';
import { refreshStatusPages } from '../cache/refresh';
import { markdownToText } from '../content/plain-text';
import { db } from '../db';
import { env } from '../env';
import { DEFAULT_LANG, type Lang } from '../i18n/locales';
import { createIncident, editIncidentDetails, postIncidentUpdate, setIncidentPublished, type ComponentChange, type IncidentDetails } from '../incidents/admin';
import { incidentSlugBase } from '../incidents/slug';
import { createMaintenance } from '../maintenance/admin';
import { notifyMaintenance } from '../maintenance/schedule';
import { enqueueIncidentNotice } from '../notices/enqueue';
import { draftReportIfEmpty } from '../rules/report-evidence';
import { ComponentStatus, type IncidentStatus } from '../status/types';
import type { ApiPrincipal } from './authenticate';
import { clearComponentOverride, setComponentOverride } from './component-status';
import { bodies, impactFromStatuses, IncidentBody, issueDetails, namedComponents, titles, type IncidentFields } from './incident-input';
import { apiJson } from './errors';
import { ApiProblem, type ApiCall } from './request';

// What each /api/v1 endpoint does, through the console's own domain functions (lib/incidents/admin.ts,
// lib/maintenance/admin.ts): the same transaction, the same notices, the same page refresh.

function lang(call: ApiCall): Lang {
  return requestLang(call.request) ?? DEFAULT_LANG;
}

interface ComponentRef {
  id: string;
  slug: string;
}

/** Tayori ids or slugs → components; any unknown one refuses the whole request (422, naming them). */
async function resolveComponents(refs: string[]): Promise<Map<string, ComponentRef>> {
  if (!refs.length) return new Map();
  const rows = await db.component.findMany({ where: { OR: [{ id: { in: refs } }, { slug: { in: refs } }] }, select: { id: true, slug: true } });
  const byRef = new Map<string, ComponentRef>();
  for (const ref of refs) {
    const row = rows.find((r) => r.id === ref) ?? rows.find((r) => r.slug === ref);
    if (row) byRef.set(ref, row);
  }
  const unknown = refs.filter((r) => !byRef.has(r));
  if (unknown.length) throw new ApiProblem(422, 'Unknown components', unknown.map((r) => `no component has the id or slug "${r}"`));
  return byRef;
}

/** A scoped key may name only its own components. */
function checkScope(principal: ApiPrincipal, components: ComponentRef[]) {
  if (principal.componentIds === null) return;
  if (!components.length) throw new ApiProblem(403, 'This key may only write about its own components: name at least one', [`key ${principal.prefix} is limited to some components`]);
  const outside = components.filter((c) => !principal.componentIds!.includes(c.id));
  if (outside.length) throw new ApiProblem(403, 'This key may not touch these components', outside.map((c) => `component ${c.slug} is outside key ${principal.prefix}'s scope`));
}

function parseIncident(body: Record<string, unknown>): IncidentFields {
  const parsed = IncidentBody.safeParse(body);
  if (!parsed.success) throw new ApiProblem(422, 'The incident is not valid', issueDetails(parsed.error));
  return parsed.data.incident;
}

/** The named components as changes (status null = named only), after resolving and scoping them. */
async function componentChanges(principal: ApiPrincipal, fields: IncidentFields, alsoTouched: ComponentRef[] = []): Promise<ComponentChange[]> {
  const named = namedComponents(fields);
  const refs = await resolveComponents([...named.keys()]);
  const components = [...new Map([...alsoTouched, ...refs.values()].map((c) => [c.id, c])).values()];
  checkScope(principal, components);
  const changes = new Map<string, ComponentChange>();
  for (const [ref, status] of named) {
    const id = refs.get(ref)!.id;
    // A status wins over a bare mention of the same component (component_ids and components both name it).
    if (!changes.has(id) || status !== null) changes.set(id, { componentId: id, status });
  }
  return [...changes.values()];
}

async function incidentAnswer(call: ApiCall, incidentId: string, status = 200): Promise<Response> {
  const snapshot = await loadIncidentSnapshot(incidentId);
  const incident = statuspageShaper(snapshot, lang(call)).incidentById(incidentId);
  if (!incident) throw new ApiProblem(404, 'No such incident');
  return apiJson(status, incident);
}

async function maintenanceAnswer(call: ApiCall, maintenanceId: string, status = 200): Promise<Response> {
  const [snapshot, row] = await Promise.all([
    loadIncidentSnapshot(''),
    db.maintenance.findUnique({ where: { id: maintenanceId }, include: { components: { select: { componentId: true } }, updates: { orderBy: [{ displayAt: 'desc' }, { createdAt: 'desc' }] } } }),
  ]);
  if (!row || !row.published) throw new ApiProblem(404, 'No such incident');
  const maintenance: SnapshotMaintenance = {
    id: row.id,
    slug: row.slug,
    titleJa: row.titleJa,
    titleEn: row.titleEn,
    status: row.status,
    scheduledFor: row.scheduledFor.toISOString(),
    scheduledUntil: row.scheduledUntil.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    componentIds: row.components.map((c) => c.componentId),
    updates: row.updates.map((u) => ({
      id: u.id,
      status: u.status,
      bodyJa: markdownToText(u.bodyJa),
      bodyEn: markdownToText(u.bodyEn),
      displayAt: u.displayAt.toISOString(),
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.createdAt.toISOString(),
      transitions: [],
    })),
  };
  return apiJson(status, statuspageShaper({ ...snapshot, maintenances: [maintenance] }, lang(call)).maintenance(maintenance));
}

/** A published incident by Tayori id or slug; drafts are the console's own. */
async function findIncident(ref: string) {
  const incident = await db.incident.findFirst({ where: { OR: [{ id: ref }, { slug: ref }], published: true }, include: { components: { include: { component: { select: { id: true, slug: true } } } } } });
  if (!incident) throw new ApiProblem(404, 'No such incident', [`no published incident has the id ${ref}`]);
  return incident;
}

// ---------------------------------------------------------------- incidents

export async function listIncidents(call: ApiCall): Promise<Response> {
  // The published incidents /api/v2/incidents.json lists (the 50 newest and any still open), newest first.
  const snapshot = await getStatuspageSnapshot();
  const shaper = statuspageShaper(snapshot, lang(call));
  return apiJson(200, snapshot.incidents.map((i) => shaper.incident(i)));
}

export async function getIncident(call: ApiCall): Promise<Response> {
  const ref = call.params.incident_id;
  const incident = await db.incident.findFirst({ where: { OR: [{ id: ref }, { slug: ref }], published: true }, select: { id: true } });
  if (incident) return incidentAnswer(call, incident.id);
  const maintenance = await db.maintenance.findFirst({ where: { OR: [{ id: ref }, { slug: ref }], published: true }, select: { id: true } });
  if (maintenance) return maintenanceAnswer(call, maintenance.id);
  throw new ApiProblem(404, 'No such incident', [`no published incident or maintenance has the id ${ref}`]);
}

function isMaintenance(fields: IncidentFields): boolean {
  return fields.status === 'scheduled' || fields.scheduled_for !== undefined || fields.scheduled_until !== undefined;
}

export async function createIncidentOrMaintenance(call: ApiCall): Promise<Response> {
  const fields = parseIncident(call.body);
  return isMaintenance(fields) ? createMaintenanceFrom(call, fields) : createIncidentFrom(call, fields);
}

async function createIncidentFrom(call: ApiCall, fields: IncidentFields): Promise<Response> {
  const name = titles(fields);
  const problems: string[] = [];
  if (!name.ja || !name.en) problems.push('incident.name: required (or both incident.name_ja and incident.name_en)');
  const status = (fields.status ?? 'investigating') as IncidentStatus;
  if (status === 'resolved') problems.push('incident.status: an incident is created unresolved (investigating, identified or monitoring); resolve it with PATCH');
  if (problems.length) throw new ApiProblem(422, 'The incident is not valid', problems);
  const components = await componentChanges(call.principal, fields);
  const text = bodies(fields, status);
  const impact = fields.impact_override ?? impactFromStatuses(components.map((c) => c.status));
  const notify = fields.deliver_notifications ?? true;

  const { incident, update } = await createIncident(
    { titleJa: name.ja!, titleEn: name.en!, impact, status, bodyJa: text.ja, bodyEn: text.en, components, published: true, notify },
    incidentSlugBase(name.en!, new Date(), env.SITE_TIME_ZONE),
  );
  await call.audit('incident.publish', { type: 'incident', id: incident.id }, { title: name.ja, impact, status, components: components.map((c) => c.componentId) });
  if (notify) {
    const noticeId = await enqueueIncidentNotice(incident.id, update.id, 'incident_opened');
    await call.audit('incident.notify', { type: 'incident', id: incident.id }, { noticeId });
  }
  refreshStatusPages();
  return incidentAnswer(call, incident.id, 201);
}

async function createMaintenanceFrom(call: ApiCall, fields: IncidentFields): Promise<Response> {
  const name = titles(fields);
  const problems: string[] = [];
  if (!name.ja || !name.en) problems.push('incident.name: required (or both incident.name_ja and incident.name_en)');
  if (fields.status && fields.status !== 'scheduled') problems.push('incident.status: maintenance is created as "scheduled"');
  if (!fields.scheduled_for) problems.push('incident.scheduled_for: required for maintenance');
  if (!fields.scheduled_until) problems.push('incident.scheduled_until: required for maintenance');
  if (fields.scheduled_for && fields.scheduled_until && fields.scheduled_until <= fields.scheduled_for) problems.push('incident.scheduled_until: must be after scheduled_for');
  if (!namedComponents(fields).size) problems.push('incident.component_ids: name the components the maintenance affects');
  if (problems.length) throw new ApiProblem(422, 'The maintenance is not valid', problems);
  const components = await componentChanges(call.principal, fields);
  const text = bodies(fields, 'scheduled');
  const remindBeforeMinutes = fields.remind_before_minutes ?? (fields.scheduled_remind_prior === false ? 0 : 60);
  const stamp = formatInTimeZone(fields.scheduled_for!, env.SITE_TIME_ZONE, 'yyyyMMdd');
  const m = await createMaintenance(
    { titleJa: name.ja!, titleEn: name.en!, bodyJa: text.ja, bodyEn: text.en, scheduledFor: fields.scheduled_for!, scheduledUntil: fields.scheduled_until!, componentIds: components.map((c) => c.componentId), remindBeforeMinutes },
    `${stamp}-maintenance`,
    null,
  );
  await call.audit('maintenance.create', { type: 'maintenance', id: m.id }, { title: m.titleJa, from: m.scheduledFor, until: m.scheduledUntil });
  if (fields.deliver_notifications ?? true) {
    await notifyMaintenance({ maintenanceId: m.id, kind: 'announced' });
    await call.audit('maintenance.notify', { type: 'maintenance', id: m.id });
  }
  refreshStatusPages();
  return maintenanceAnswer(call, m.id, 201);
}

export async function updateIncident(call: ApiCall): Promise<Response> {
  const fields = parseIncident(call.body);
  const incident = await findIncident(call.params.incident_id);
  if (isMaintenance(fields)) throw new ApiProblem(422, 'An incident cannot become maintenance', ['create maintenance with POST and incident[scheduled_for]']);
  const components = await componentChanges(call.principal, fields, incident.components.map((c) => c.component));
  const name = titles(fields);
  const details: IncidentDetails = {
    ...(name.ja ? { titleJa: name.ja } : {}),
    ...(name.en ? { titleEn: name.en } : {}),
    ...(fields.impact_override ? { impact: fields.impact_override } : {}),
  };
  const postsUpdate = fields.status !== undefined || fields.body !== undefined || fields.body_ja !== undefined || fields.body_en !== undefined || components.length > 0;
  if (!postsUpdate) {
    if (!Object.keys(details).length) throw new ApiProblem(422, 'Nothing to change', ['send incident[status], incident[body], incident[components], incident[name] or incident[impact_override]']);
    await editIncidentDetails(incident.id, details);
    await call.audit('incident.edit', { type: 'incident', id: incident.id }, { ...details });
    refreshStatusPages();
    return incidentAnswer(call, incident.id);
  }
  if (incident.status === 'postmortem' && fields.status === undefined) throw new ApiProblem(422, 'The incident has its final report: send incident[status] to reopen it');
  const status = (fields.status ?? incident.status) as IncidentStatus;
  const text = bodies(fields, status);
  const notify = fields.deliver_notifications ?? true;
  const displayAt = fields.display_at ?? fields.updated_at;
  const result = await postIncidentUpdate(incident.id, { status, bodyJa: text.ja, bodyEn: text.en, components, notify, displayAt, details: Object.keys(details).length ? details : undefined });
  await call.audit('incident.update', { type: 'incident', id: incident.id }, { updateId: result.update.id, status, components: components.map((c) => c.componentId), ...(result.current ? {} : { outOfOrder: true }) });
  // An update older than the newest one only fills the timeline: no report draft, no notice.
  if (result.current && status === 'resolved') await draftReportIfEmpty(incident.id).catch((error: Error) => console.error(`drafting the report of incident ${incident.id} failed: ${error.message}`));
  if (result.current && notify) {
    const noticeId = await enqueueIncidentNotice(incident.id, result.update.id);
    await call.audit('incident.notify', { type: 'incident', id: incident.id }, { noticeId, updateId: result.update.id });
  }
  refreshStatusPages();
  const answer = await incidentAnswer(call, incident.id);
  if (!result.current) answer.headers.set('Tayori-Update-Order', 'older-than-newest');
  return answer;
}

/** Statuspage's DELETE: Tayori keeps the history and takes the incident off the public pages. */
export async function unpublishIncident(call: ApiCall): Promise<Response> {
  const incident = await findIncident(call.params.incident_id);
  const answer = await incidentAnswer(call, incident.id);
  await setIncidentPublished(incident.id, false);
  await call.audit('incident.unpublish', { type: 'incident', id: incident.id });
  refreshStatusPages();
  return answer;
}

// ---------------------------------------------------------------- components

async function findComponent(ref: string): Promise<ComponentRef> {
  const row = await db.component.findFirst({ where: { OR: [{ id: ref }, { slug: ref }] }, select: { id: true, slug: true } });
  if (!row) throw new ApiProblem(404, 'No such component', [`no component has the id or slug "${ref}"`]);
  return row;
}

async function componentAnswer(call: ApiCall, componentId: string): Promise<Response> {
  const component = statuspageShaper(await loadIncidentSnapshot(''), lang(call)).componentById(componentId);
  if (!component) throw new ApiProblem(404, 'No such component', ['the component is not on the status page']);
  return apiJson(200, component);
}

export async function listComponents(call: ApiCall): Promise<Response> {
  return apiJson(200, statuspageShaper(await loadIncidentSnapshot(''), lang(call)).components());
}

export async function getComponent(call: ApiCall): Promise<Response> {
  return componentAnswer(call, (await findComponent(call.params.component_id)).id);
}

const ComponentBody = z.object({
  component: z.object({ status: z.union([ComponentStatus, z.literal('auto'), z.null()]) }),
});

/** component[status]: a status (staff's override, wins over the rules) or "auto"/null (back to the rules). */
export async function updateComponent(call: ApiCall): Promise<Response> {
  const parsed = ComponentBody.safeParse(call.body);
  if (!parsed.success) throw new ApiProblem(422, 'The component is not valid', issueDetails(parsed.error));
  const component = await findComponent(call.params.component_id);
  checkScope(call.principal, [component]);
  const status = parsed.data.component.status;
  if (status === null || status === 'auto') return clearStatus(call, component);
  const change = await setComponentOverride(component.id, status);
  await call.audit('component.status_set', { type: 'component', id: component.id }, { slug: component.slug, from: change.oldStatus, to: change.newStatus });
  refreshStatusPages();
  return componentAnswer(call, component.id);
}

export async function clearComponentStatus(call: ApiCall): Promise<Response> {
  const component = await findComponent(call.params.component_id);
  checkScope(call.principal, [component]);
  return clearStatus(call, component);
}

async function clearStatus(call: ApiCall, component: ComponentRef): Promise<Response> {
  const change = await clearComponentOverride(component.id);
  await call.audit('component.status_cleared', { type: 'component', id: component.id }, { slug: component.slug, from: change.oldStatus, to: change.newStatus });
  refreshStatusPages();
  return componentAnswer(call, component.id);
}
