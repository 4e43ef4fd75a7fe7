import 'server-only';
import { db } from '../db';
import { freeIncidentSlug } from './slug';
import { componentRank, type ComponentStatus, type IncidentImpact, type IncidentStatus } from '../status/types';

// The staff side of incidents: drafts included, every change leaves a trace.

export interface ComponentChange {
  componentId: string;
  /** Null: the incident names the component without changing its status (the write API's component_ids). */
  status: ComponentStatus | null;
}

export interface ConsoleIncidentSummary {
  id: string;
  slug: string;
  titleJa: string;
  titleEn: string;
  impact: IncidentImpact;
  status: IncidentStatus;
  published: boolean;
  source: string;
  startedAt: string;
  resolvedAt: string | null;
  hasPostmortem: boolean;
}

export async function listConsoleIncidents(limit = 100): Promise<ConsoleIncidentSummary[]> {
  const rows = await db.incident.findMany({ orderBy: { startedAt: 'desc' }, take: limit });
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    titleJa: r.titleJa,
    titleEn: r.titleEn,
    impact: r.impact as IncidentImpact,
    status: r.status as IncidentStatus,
    published: r.published,
    source: r.source,
    startedAt: r.startedAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    hasPostmortem: Boolean(r.postmortemPublishedAt) || (r.source === 'content' && Boolean(r.reportJa)),
  }));
}

export async function getConsoleIncident(id: string) {
  const row = await db.incident.findUnique({
    where: { id },
    include: {
      components: { include: { component: { select: { id: true, slug: true, nameJa: true, nameEn: true, status: true } } } },
      updates: { orderBy: { displayAt: 'desc' }, include: { transitions: true } },
      windows: { orderBy: { position: 'asc' } },
    },
  });
  if (!row) return null;
  const revisions = await db.incidentUpdateRevision.groupBy({ by: ['updateId'], where: { updateId: { in: row.updates.map((u) => u.id) } }, _count: { _all: true } });
  const revisionCount = new Map(revisions.map((r) => [r.updateId, r._count._all]));
  return {
    ...row,
    updates: row.updates.map((u) => ({ ...u, revisions: revisionCount.get(u.id) ?? 0 })),
  };
}

/** Applies staff-set component statuses: they override the metric rules until the incident is resolved. */
async function applyComponentChanges(tx: Tx, changes: ComponentChange[], incidentId: string, resolving: boolean) {
  const transitions: { componentId: string; oldStatus: string; newStatus: string }[] = [];
  for (const change of changes) {
    const component = await tx.component.findUniqueOrThrow({ where: { id: change.componentId } });
    if (change.status === null) {
      await tx.incidentComponent.upsert({
        where: { incidentId_componentId: { incidentId, componentId: component.id } },
        create: { incidentId, componentId: component.id, status: component.status },
        update: {},
      });
      continue;
    }
    await tx.component.update({
      where: { id: component.id },
      data: { status: change.status, overrideStatus: resolving ? null : change.status },
    });
    if (component.status !== change.status) {
      transitions.push({ componentId: component.id, oldStatus: component.status, newStatus: change.status });
      await tx.componentStatusChange.create({ data: { componentId: component.id, oldStatus: component.status, newStatus: change.status, cause: 'staff', incidentId } });
    }
    const link = await tx.incidentComponent.findUnique({ where: { incidentId_componentId: { incidentId, componentId: component.id } } });
    if (!link) await tx.incidentComponent.create({ data: { incidentId, componentId: component.id, status: change.status } });
    else if (componentRank(change.status) > componentRank(link.status)) {
      await tx.incidentComponent.update({ where: { incidentId_componentId: { incidentId, componentId: component.id } }, data: { status: change.status } });
    }
  }
  return transitions;
}

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

export interface NewIncident {
  titleJa: string;
  titleEn: string;
  impact: IncidentImpact;
  status: IncidentStatus;
  bodyJa: string;
  bodyEn: string;
  components: ComponentChange[];
  published: boolean;
  notify: boolean;
}

export async function createIncident(input: NewIncident, slugBase: string) {
  return db.$transaction(async (tx) => {
    const slug = await freeIncidentSlug(async (candidate) => Boolean(await tx.incident.findUnique({ where: { slug: candidate }, select: { id: true } })), slugBase);
    const incident = await tx.incident.create({
      data: {
        slug,
        titleJa: input.titleJa,
        titleEn: input.titleEn,
        summaryJa: input.bodyJa,
        summaryEn: input.bodyEn,
        impact: input.impact,
        status: input.status,
        startedAt: new Date(),
        source: 'console',
        published: input.published,
      },
    });
    const transitions = await applyComponentChanges(tx, input.components, incident.id, false);
    const update = await tx.incidentUpdate.create({
      data: { incidentId: incident.id, status: input.status, bodyJa: input.bodyJa, bodyEn: input.bodyEn, displayAt: new Date(), notify: input.notify, transitions: { create: transitions } },
    });
    return { incident, update };
  });
}

export interface NewUpdate {
  status: IncidentStatus;
  bodyJa: string;
  bodyEn: string;
  components: ComponentChange[];
  notify: boolean;
  /** When the update happened; now when absent (the console). The write API may give an earlier time. */
  displayAt?: Date;
  /** Renames the incident or changes its impact in the same transaction (the write API's PATCH). */
  details?: IncidentDetails;
}

export interface IncidentDetails {
  titleJa?: string;
  titleEn?: string;
  impact?: IncidentImpact;
}

/**
 * Posts an update. One older than the incident's newest update (a script's late or replayed
 * message) is stored at its time in the timeline and changes nothing else: the incident's status,
 * summary and component statuses stay with the newest update (`current: false`).
 */
export async function postIncidentUpdate(incidentId: string, input: NewUpdate) {
  return db.$transaction(async (tx) => {
    const incident = await tx.incident.findUniqueOrThrow({ where: { id: incidentId } });
    const displayAt = input.displayAt ?? new Date();
    if (input.displayAt) {
      const newest = await tx.incidentUpdate.findFirst({ where: { incidentId }, orderBy: { displayAt: 'desc' }, select: { displayAt: true } });
      if (newest && newest.displayAt > input.displayAt) {
        const update = await tx.incidentUpdate.create({
          data: { incidentId, status: input.status, bodyJa: input.bodyJa, bodyEn: input.bodyEn, displayAt, notify: false },
        });
        if (input.details) await tx.incident.update({ where: { id: incidentId }, data: input.details });
        return { incident, update, current: false };
      }
    }
    const resolving = input.status === 'resolved';
    const transitions = await applyComponentChanges(tx, input.components, incidentId, resolving);
    if (resolving) {
      // Components left out of the form go back to the rules, too.
      const linked = await tx.incidentComponent.findMany({ where: { incidentId }, select: { componentId: true } });
      await tx.component.updateMany({ where: { id: { in: linked.map((l) => l.componentId) } }, data: { overrideStatus: null } });
    }
    const update = await tx.incidentUpdate.create({
      data: { incidentId, status: input.status, bodyJa: input.bodyJa, bodyEn: input.bodyEn, displayAt, notify: input.notify, transitions: { create: transitions } },
    });
    await tx.incident.update({
      where: { id: incidentId },
      data: {
        ...input.details,
        status: input.status,
        // The summary says where things stand now: the newest update replaces it (staff may rewrite it after).
        summaryJa: input.bodyJa,
        summaryEn: input.bodyEn,
        ...(resolving && !incident.resolvedAt ? { resolvedAt: displayAt } : {}),
        // An automatic incident closed by staff frees its component for the next one.
        ...(resolving || input.status === 'postmortem' ? { autoOpenFor: null } : {}),
      },
    });
    return { incident, update, current: true };
  });
}

/** Corrects an update's text; the previous text is kept as a revision. */
export async function correctIncidentUpdate(updateId: string, bodyJa: string, bodyEn: string, editorId: string) {
  return db.$transaction(async (tx) => {
    const update = await tx.incidentUpdate.findUniqueOrThrow({ where: { id: updateId } });
    await tx.incidentUpdateRevision.create({
      data: { updateId, status: update.status, bodyJa: update.bodyJa, bodyEn: update.bodyEn, displayAt: update.displayAt, editedById: editorId },
    });
    await tx.incidentUpdate.update({ where: { id: updateId }, data: { bodyJa, bodyEn } });
    // A summary that is this update's text is corrected with it.
    const incident = await tx.incident.findUniqueOrThrow({ where: { id: update.incidentId }, select: { summaryJa: true, summaryEn: true } });
    const summary = {
      ...(incident.summaryJa === update.bodyJa ? { summaryJa: bodyJa } : {}),
      ...(incident.summaryEn === update.bodyEn ? { summaryEn: bodyEn } : {}),
    };
    if (Object.keys(summary).length) await tx.incident.update({ where: { id: update.incidentId }, data: summary });
    return update;
  });
}

/**
 * Staff's own summary (概要) of where the incident stands, shown on its page until the next update
 * replaces it; empty gives the latest update's text.
 */
export async function saveSummary(incidentId: string, summaryJa: string, summaryEn: string) {
  return db.$transaction(async (tx) => {
    const before = await tx.incident.findUniqueOrThrow({ where: { id: incidentId }, select: { summaryJa: true, summaryEn: true } });
    await tx.incident.update({ where: { id: incidentId }, data: { summaryJa, summaryEn } });
    return before;
  });
}

/** Renames an incident or changes its impact, without an update (the write API's PATCH of those fields alone). */
export async function editIncidentDetails(incidentId: string, details: IncidentDetails) {
  return db.incident.update({ where: { id: incidentId }, data: details });
}

export async function setIncidentPublished(incidentId: string, published: boolean) {
  return db.incident.update({ where: { id: incidentId }, data: { published } });
}

export async function saveReport(incidentId: string, reportJa: string, reportEn: string) {
  return db.incident.update({ where: { id: incidentId }, data: { reportJa, reportEn } });
}

/** Publishes the final report: the incident becomes a postmortem. */
export async function publishReport(incidentId: string) {
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  if (!incident.reportJa.trim()) throw new Error('the report is empty');
  if (incident.status !== 'resolved' && incident.status !== 'postmortem') throw new Error('resolve the incident before publishing its report');
  return db.incident.update({ where: { id: incidentId }, data: { status: 'postmortem', postmortemPublishedAt: new Date() } });
}

export async function listComponentsForForms() {
  return db.component.findMany({ where: { archivedAt: null }, orderBy: [{ group: { position: 'asc' } }, { position: 'asc' }], select: { id: true, slug: true, nameJa: true, nameEn: true, status: true, overrideStatus: true } });
}
