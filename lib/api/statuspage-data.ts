import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { markdownToText } from '../content/plain-text';
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { lastChangedAt } from '../incidents/current-text';
import { uptime } from '../metrics/queries';
import type { UptimeComponent } from '../metrics/uptime';
import { UNRESOLVED_INCIDENT_STATUSES } from '../status/types';

// Everything the Statuspage-compatible documents are built from, in both languages, read in one
// cached call: every /api/v2 document and the badge are shaped from this snapshot, so a request
// costs no database query and all documents agree with each other. Webhooks are shaped from the
// same data read at the moment they are enqueued (loadIncidentSnapshot). Times are ISO strings because
// the data cache stores JSON.

export interface SnapshotGroup {
  id: string;
  nameJa: string;
  nameEn: string;
  createdAt: string;
  updatedAt: string;
  componentIds: string[];
}

export interface SnapshotComponent {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  descriptionEn: string;
  status: string;
  /** No measurement for too long: the page shows "no data" next to the status. */
  noData: boolean;
  groupId: string;
  createdAt: string;
  /** When the status last changed (Component.updatedAt moves with every measurement). */
  updatedAt: string;
  /** Statuspage's only_show_if_degraded: the page leaves it out while it is operational. */
  onlyShowIfDegraded: boolean;
  /** Archived: in no component list, but old incidents still name it. */
  archived: boolean;
}

export interface SnapshotTransition {
  componentId: string;
  oldStatus: string;
  newStatus: string;
}

export interface SnapshotUpdate {
  id: string;
  status: string;
  /** Plain text (lib/content/plain-text.ts), as Statuspage's `body`: no markup for a client to run. */
  bodyJa: string;
  bodyEn: string;
  displayAt: string;
  createdAt: string;
  updatedAt: string;
  transitions: SnapshotTransition[];
}

export interface SnapshotIncident {
  id: string;
  slug: string;
  titleJa: string;
  titleEn: string;
  status: string;
  impact: string;
  startedAt: string;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  componentIds: string[];
  /** False for reports imported from content/: written after the fact, never sent to subscribers. */
  notified: boolean;
  /** Newest first. */
  updates: SnapshotUpdate[];
}

export interface SnapshotMaintenance {
  id: string;
  slug: string;
  titleJa: string;
  titleEn: string;
  status: string;
  scheduledFor: string;
  scheduledUntil: string;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
  componentIds: string[];
  /** Newest first. */
  updates: SnapshotUpdate[];
}

/** A component's uptime figure and what it covers (lib/metrics/uptime.ts), without the days. */
export type SnapshotUptime = Pick<UptimeComponent, 'uptimePercent' | 'periodDays' | 'coveredMinutes' | 'coveredFrom' | 'coverage'>;

export interface StatuspageSnapshot {
  /** In display order. */
  groups: SnapshotGroup[];
  /** In display order, group by group. */
  components: SnapshotComponent[];
  /** Published only: the 50 most recent, plus any older one still unresolved; newest first. */
  incidents: SnapshotIncident[];
  /** Published only: the 50 most recent, plus any older one not yet completed; newest first. */
  maintenances: SnapshotMaintenance[];
  /** By component slug: the same figures the status page's uptime bars show. */
  uptime: Record<string, SnapshotUptime>;
}

export const RECENT_LIMIT = 50;
const NOT_COMPLETED = ['scheduled', 'in_progress', 'verifying'];

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

type UpdateRow = { id: string; status: string; bodyJa: string; bodyEn: string; displayAt: Date; createdAt: Date; updatedAt?: Date };

function toUpdate(u: UpdateRow, transitions: SnapshotTransition[]): SnapshotUpdate {
  return {
    id: u.id,
    status: u.status,
    bodyJa: markdownToText(u.bodyJa),
    bodyEn: markdownToText(u.bodyEn),
    displayAt: iso(u.displayAt),
    createdAt: iso(u.createdAt),
    updatedAt: iso(u.updatedAt ?? u.createdAt),
    transitions,
  };
}

function mergeById<T extends { id: string }>(...lists: T[][]): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) for (const item of list) byId.set(item.id, item);
  return [...byId.values()];
}

async function loadComponents() {
  // Only grouped components, as on the status page: the page's indicator is computed from them.
  const groups = await db.componentGroup.findMany({
    orderBy: { position: 'asc' },
    include: {
      components: {
        orderBy: { position: 'asc' },
        include: { statusChanges: { orderBy: { changedAt: 'desc' }, take: 1, select: { changedAt: true } } },
      },
    },
  });
  return {
    groups: groups.map((g) => ({
      id: g.id,
      nameJa: g.nameJa,
      nameEn: g.nameEn,
      createdAt: iso(g.createdAt),
      updatedAt: iso(g.updatedAt),
      componentIds: g.components.filter((c) => !c.archivedAt).map((c) => c.id),
    })),
    components: groups.flatMap((g) =>
      g.components.map((c) => ({
        id: c.id,
        slug: c.slug,
        nameJa: c.nameJa,
        nameEn: c.nameEn,
        descriptionJa: c.descriptionJa,
        descriptionEn: c.descriptionEn,
        status: c.status,
        noData: c.noData,
        groupId: g.id,
        createdAt: iso(c.createdAt),
        updatedAt: iso(c.statusChanges[0]?.changedAt ?? c.createdAt),
        onlyShowIfDegraded: c.onlyShowIfDegraded,
        archived: c.archivedAt !== null,
      })),
    ),
  };
}

const INCIDENT_INCLUDE = {
  components: { select: { componentId: true } },
  updates: {
    orderBy: [{ displayAt: 'desc' as const }, { createdAt: 'desc' as const }],
    include: { transitions: { select: { componentId: true, oldStatus: true, newStatus: true } } },
  },
};

const findIncidents = (where: Prisma.IncidentWhereInput, take?: number) =>
  db.incident.findMany({ where, orderBy: { startedAt: 'desc' }, take, include: INCIDENT_INCLUDE });

/** The incidents any of `queries` find, once each, newest first. */
async function loadIncidents(...queries: { where: Prisma.IncidentWhereInput; take?: number }[]): Promise<SnapshotIncident[]> {
  const lists = await Promise.all(queries.map((q) => findIncidents(q.where, q.take)));
  return mergeById(...lists)
    .toSorted((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .map((row) => ({
      id: row.id,
      slug: row.slug,
      titleJa: row.titleJa,
      titleEn: row.titleEn,
      status: row.status,
      impact: row.impact,
      startedAt: iso(row.startedAt),
      resolvedAt: isoOrNull(row.resolvedAt),
      createdAt: iso(row.createdAt),
      // The same 最終更新 as the incident's page.
      updatedAt: iso(lastChangedAt(row, row.updates)),
      componentIds: row.components.map((c) => c.componentId),
      notified: row.source !== 'content',
      updates: row.updates.map((u) => toUpdate(u, u.transitions)),
    }));
}

const UNRESOLVED_PUBLISHED = { published: true, status: { in: [...UNRESOLVED_INCIDENT_STATUSES] } };

async function loadMaintenances(): Promise<SnapshotMaintenance[]> {
  const include = {
    components: { select: { componentId: true } },
    updates: { orderBy: [{ displayAt: 'desc' as const }, { createdAt: 'desc' as const }] },
  };
  const [recent, open] = await Promise.all([
    db.maintenance.findMany({ where: { published: true }, orderBy: { scheduledFor: 'desc' }, take: RECENT_LIMIT, include }),
    db.maintenance.findMany({ where: { published: true, status: { in: NOT_COMPLETED } }, orderBy: { scheduledFor: 'desc' }, include }),
  ]);
  return mergeById(recent, open)
    .toSorted((a, b) => b.scheduledFor.getTime() - a.scheduledFor.getTime())
    .map((row) => ({
      id: row.id,
      slug: row.slug,
      titleJa: row.titleJa,
      titleEn: row.titleEn,
      status: row.status,
      scheduledFor: iso(row.scheduledFor),
      scheduledUntil: iso(row.scheduledUntil),
      startedAt: isoOrNull(row.startedAt),
      completedAt: isoOrNull(row.completedAt),
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
      componentIds: row.components.map((c) => c.componentId),
      updates: row.updates.map((u) => toUpdate(u, [])),
    }));
}

/** The snapshot, cached with the status pages' tags: refreshed on every status or incident change. */
export const getStatuspageSnapshot = unstable_cache(
  async (): Promise<StatuspageSnapshot> => {
    const [{ groups, components }, incidents, maintenances, uptimes] = await Promise.all([
      loadComponents(),
      loadIncidents({ where: { published: true }, take: RECENT_LIMIT }, { where: UNRESOLVED_PUBLISHED }),
      loadMaintenances(),
      uptime(),
    ]);
    const uptimeBySlug = Object.fromEntries(
      uptimes.map(({ slug, uptimePercent, periodDays, coveredMinutes, coveredFrom, coverage }) => [slug, { uptimePercent, periodDays, coveredMinutes, coveredFrom, coverage }]),
    );
    return { groups, components, incidents, maintenances, uptime: uptimeBySlug };
  },
  ['api:statuspage-snapshot'],
  { tags: [TAGS.components, TAGS.incidents], revalidate: 30 },
);

/**
 * What the API would be shaped from at this moment, for one incident: read from the database now,
 * not from the cache (up to 30 s behind, and not there at all in the worker process). The page's
 * groups and components, the unresolved incidents that set its indicator, and the incident itself
 * whatever its age, exactly as getStatuspageSnapshot() reads them. Webhook payloads are shaped from
 * it when they are enqueued. No uptime figures (the component lists carry them, a webhook does not)
 * and no maintenance (no webhook is about one).
 */
export async function loadIncidentSnapshot(incidentId: string): Promise<StatuspageSnapshot> {
  const [{ groups, components }, incidents] = await Promise.all([
    loadComponents(),
    loadIncidents({ where: UNRESOLVED_PUBLISHED }, { where: { id: incidentId, published: true } }),
  ]);
  return { groups, components, incidents, maintenances: [], uptime: {} };
}
