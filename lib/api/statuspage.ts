import 'server-only';
import { createHash } from 'node:crypto';
import { isoInZone } from '../dates/format';
import { env } from '../env';
import { localePath, pick, type Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import type { UptimeCoverage } from '../metrics/uptime';
import { uptimeFigureText } from '../metrics/uptime-text';
import { overallStatus, type OverallStatus } from '../status/indicator';
import { INCIDENT_IMPACTS, isComponentStatus, isUnresolved, worseStatus, type ComponentStatus, type IncidentImpact, type IncidentStatus } from '../status/types';
import type { SnapshotComponent, SnapshotGroup, SnapshotIncident, SnapshotMaintenance, SnapshotTransition, SnapshotUpdate, StatuspageSnapshot } from './statuspage-data';

// The one place that builds Statuspage-shaped objects (Atlassian Statuspage's public API v2 and its
// webhooks): page, status, component, component group, incident, incident update, affected
// component, scheduled maintenance, and a webhook's page and component_update. The /api/v2
// documents below, the webhook payloads (lib/webhooks/payload.ts) and, through summary.json, the
// widget are all shaped here from a snapshot (lib/api/statuspage-data.ts), so a webhook and the API
// say the same thing about the same moment, and clients written for Statuspage read Tayori unchanged.
// Plain objects. Statuspage's forms throughout: times with the offset of the page's time zone, the
// page's own id, `affected_components[].code` the component id (docs/api.md says why).

export interface SiteInfo {
  url: string;
  nameJa: string;
  nameEn: string;
  timeZone: string;
  pageId: string;
}

export function siteInfo(): SiteInfo {
  return { url: env.SITE_URL.replace(/\/$/, ''), nameJa: env.SITE_NAME_JA, nameEn: env.SITE_NAME_EN, timeZone: env.SITE_TIME_ZONE, pageId: pageId() };
}

/** SITE_PAGE_ID, or 12 characters derived from SITE_URL: stable across restarts and rebuilds. */
export function pageId(): string {
  return env.SITE_PAGE_ID ?? createHash('sha256').update(env.SITE_URL).digest('hex').slice(0, 12);
}

export interface PageJson {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface StatusJson {
  indicator: 'none' | 'minor' | 'major' | 'critical';
  description: string;
}

export interface ComponentJson {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  /** Groups only: the ids of their components. */
  components?: string[];
  /** Tayori's extension, on components (not groups) in components.json and summary.json. */
  tayori_uptime?: TayoriUptimeJson;
}

/**
 * Not part of Statuspage's API (its clients ignore unknown fields): the uptime figure the status
 * page shows under a component's bars, with what it covers. Time before the component existed and
 * time without data are left out, so `covered_minutes` can be far less than `period_days`.
 */
export interface TayoriUptimeJson {
  /** Two decimals; major outage time counts fully, partial outage time at 30 %, the rest not. Null when nothing is known. */
  percent: number | null;
  period_days: number;
  /** whole_period | recent (from covered_from until now, no gap) | with_gaps | none */
  coverage: UptimeCoverage;
  covered_minutes: number;
  covered_from: string | null;
  /** The figure as the status page words it, e.g. 「稼働率 98.62 %（直近43分）」. */
  text: string;
}

export interface AffectedComponentJson {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

export interface IncidentUpdateJson {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: AffectedComponentJson[] | null;
  deliver_notifications: boolean;
}

export interface IncidentJson {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: string;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: IncidentUpdateJson[];
  components: ComponentJson[];
}

export interface MaintenanceJson extends IncidentJson {
  scheduled_for: string;
  scheduled_until: string;
}

/** The page as a Statuspage webhook names it: its id and the status.json indicator, flattened. */
export interface WebhookPageJson {
  id: string;
  status_indicator: StatusJson['indicator'];
  status_description: string;
}

/** One component status change, as a Statuspage webhook announces it. */
export interface ComponentUpdateJson {
  id: string;
  component_id: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
  created_at: string;
}

/** A status change an incident update recorded (IncidentUpdateComponent). */
export interface ComponentTransition {
  id: string;
  componentId: string;
  oldStatus: string;
  newStatus: string;
}

/** Builds the objects for one language and site, from one snapshot. */
export class StatuspageShaper {
  private readonly componentsById: Map<string, SnapshotComponent>;
  private readonly groupsById: Map<string, SnapshotGroup>;

  constructor(
    private readonly snapshot: StatuspageSnapshot,
    readonly lang: Lang,
    private readonly site: SiteInfo,
  ) {
    this.componentsById = new Map(snapshot.components.map((c) => [c.id, c]));
    this.groupsById = new Map(snapshot.groups.map((g) => [g.id, g]));
  }

  /** ISO 8601 with the offset of the page's time zone, as Statuspage writes every time. */
  time(isoUtc: string): string {
    return isoInZone(new Date(isoUtc), this.site.timeZone);
  }

  page(): PageJson {
    const { snapshot } = this;
    const times = [
      ...snapshot.groups.map((g) => g.updatedAt),
      ...snapshot.components.map((c) => c.updatedAt),
      ...snapshot.incidents.map((i) => i.updatedAt),
      ...snapshot.maintenances.map((m) => m.updatedAt),
    ];
    const latest = times.reduce((a, b) => (b > a ? b : a), new Date(0).toISOString());
    const home = localePath(this.lang, '/');
    return {
      id: this.site.pageId,
      name: pick(this.lang, this.site.nameJa, this.site.nameEn),
      url: home === '/' ? this.site.url : this.site.url + home,
      time_zone: this.site.timeZone,
      updated_at: this.time(latest),
    };
  }

  status(): StatusJson {
    const overall = overallFromSnapshot(this.snapshot);
    // Statuspage's indicator has no "maintenance" value: nothing is broken, and the description says why.
    const indicator = overall.indicator === 'maintenance' ? 'none' : overall.indicator;
    return { indicator, description: messages(this.lang).overall[overall.description] };
  }

  webhookPage(): WebhookPageJson {
    const { indicator, description } = this.status();
    return { id: this.site.pageId, status_indicator: indicator, status_description: description };
  }

  /** A component as an incident lists it; the component lists add Tayori's uptime figure (`withUptime`). */
  component(c: SnapshotComponent, withUptime = false): ComponentJson {
    const uptime = withUptime ? this.snapshot.uptime[c.slug] : undefined;
    return {
      id: c.id,
      name: pick(this.lang, c.nameJa, c.nameEn),
      status: asComponentStatus(c.status),
      created_at: this.time(c.createdAt),
      updated_at: this.time(c.updatedAt),
      // Its place in its group, as the status page lists it.
      position: (this.groupsById.get(c.groupId)?.componentIds.indexOf(c.id) ?? 0) + 1,
      description: pick(this.lang, c.descriptionJa, c.descriptionEn) || null,
      showcase: true,
      start_date: isoInZone(new Date(c.createdAt), this.site.timeZone, 'day'),
      group_id: c.groupId,
      page_id: this.site.pageId,
      group: false,
      only_show_if_degraded: c.onlyShowIfDegraded,
      ...(uptime
        ? {
            tayori_uptime: {
              percent: uptime.uptimePercent,
              period_days: uptime.periodDays,
              coverage: uptime.coverage,
              covered_minutes: uptime.coveredMinutes,
              covered_from: uptime.coveredFrom ? this.time(uptime.coveredFrom) : null,
              text: uptimeFigureText(this.lang, uptime),
            },
          }
        : {}),
    };
  }

  /** A component on the status page, by id; null for one the page does not show (in no group). */
  componentById(id: string): ComponentJson | null {
    const c = this.componentsById.get(id);
    return c ? this.component(c) : null;
  }

  group(g: SnapshotGroup, position: number): ComponentJson {
    const members = g.componentIds.map((id) => this.componentsById.get(id)).filter((m) => m !== undefined);
    return {
      id: g.id,
      name: pick(this.lang, g.nameJa, g.nameEn),
      status: worstStatus(members.map((m) => asComponentStatus(m.status))),
      created_at: this.time(g.createdAt),
      updated_at: this.time(g.updatedAt),
      position,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: this.site.pageId,
      group: true,
      only_show_if_degraded: false,
      components: members.map((m) => m.id),
    };
  }

  /** Groups and their components, as Statuspage lists them: each group followed by its members. */
  components(): ComponentJson[] {
    return this.snapshot.groups.flatMap((g, groupIndex) => [
      this.group(g, groupIndex + 1),
      ...g.componentIds.flatMap((id) => {
        const c = this.componentsById.get(id);
        return c ? [this.component(c, true)] : [];
      }),
    ]);
  }

  /** Components of an incident or maintenance, with their current state, in page order. */
  affected(ids: string[]): ComponentJson[] {
    const order = new Map(this.snapshot.components.map((c, i) => [c.id, i]));
    return ids
      .filter((id) => this.componentsById.has(id))
      .toSorted((a, b) => order.get(a)! - order.get(b)!)
      .map((id) => this.component(this.componentsById.get(id)!));
  }

  /** An update's status changes, Statuspage's `affected_components`: `code` is the component id. */
  affectedComponents(transitions: SnapshotTransition[]): AffectedComponentJson[] | null {
    const affected = transitions
      .filter((t) => this.componentsById.has(t.componentId) && isComponentStatus(t.oldStatus) && isComponentStatus(t.newStatus))
      .map((t) => {
        const c = this.componentsById.get(t.componentId)!;
        return { code: c.id, name: pick(this.lang, c.nameJa, c.nameEn), old_status: t.oldStatus as ComponentStatus, new_status: t.newStatus as ComponentStatus };
      });
    return affected.length > 0 ? affected : null;
  }

  update(u: SnapshotUpdate, parentId: string, notified: boolean): IncidentUpdateJson {
    return {
      id: u.id,
      status: u.status,
      body: pick(this.lang, u.bodyJa, u.bodyEn),
      incident_id: parentId,
      // Reports imported from content/ were written after the fact: never claim a creation later than the event.
      created_at: this.time(earlier(u.createdAt, u.displayAt)),
      updated_at: this.time(u.updatedAt),
      display_at: this.time(u.displayAt),
      affected_components: this.affectedComponents(u.transitions),
      deliver_notifications: notified,
    };
  }

  incident(i: SnapshotIncident): IncidentJson {
    const monitoring = i.updates.findLast((u) => u.status === 'monitoring');
    return {
      id: i.id,
      name: pick(this.lang, i.titleJa, i.titleEn),
      status: i.status,
      created_at: this.time(earlier(i.createdAt, i.startedAt)),
      updated_at: this.time(i.updatedAt),
      monitoring_at: monitoring ? this.time(monitoring.displayAt) : null,
      resolved_at: i.resolvedAt ? this.time(i.resolvedAt) : null,
      impact: i.impact,
      shortlink: this.site.url + localePath(this.lang, `/incidents/${i.slug}`),
      started_at: this.time(i.startedAt),
      page_id: this.site.pageId,
      incident_updates: i.updates.map((u) => this.update(u, i.id, i.notified)),
      components: this.affected(i.componentIds),
    };
  }

  /** A published incident, by id; null when the snapshot does not hold it. */
  incidentById(id: string): IncidentJson | null {
    const i = this.snapshot.incidents.find((x) => x.id === id);
    return i ? this.incident(i) : null;
  }

  /** A status change of a component on the page; null for one the page does not show or a status Statuspage has no word for. */
  componentUpdate(t: ComponentTransition, atUtc: string): ComponentUpdateJson | null {
    if (!this.componentsById.has(t.componentId) || !isComponentStatus(t.oldStatus) || !isComponentStatus(t.newStatus)) return null;
    return { id: t.id, component_id: t.componentId, old_status: t.oldStatus, new_status: t.newStatus, created_at: this.time(atUtc) };
  }

  maintenance(m: SnapshotMaintenance): MaintenanceJson {
    const verifying = m.updates.findLast((u) => u.status === 'verifying');
    return {
      id: m.id,
      name: pick(this.lang, m.titleJa, m.titleEn),
      status: m.status,
      created_at: this.time(m.createdAt),
      updated_at: this.time(m.updatedAt),
      monitoring_at: verifying ? this.time(verifying.displayAt) : null,
      resolved_at: m.completedAt ? this.time(m.completedAt) : null,
      // Statuspage marks every scheduled maintenance with this impact.
      impact: 'maintenance',
      // Maintenance has no page of its own yet: the status page is where it is announced.
      shortlink: this.page().url,
      started_at: this.time(m.startedAt ?? m.scheduledFor),
      page_id: this.site.pageId,
      incident_updates: m.updates.map((u) => this.update(u, m.id, true)),
      components: this.affected(m.componentIds),
      scheduled_for: this.time(m.scheduledFor),
      scheduled_until: this.time(m.scheduledUntil),
    };
  }

  unresolvedIncidents(): IncidentJson[] {
    return this.snapshot.incidents.filter((i) => isUnresolved(i.status as IncidentStatus)).map((i) => this.incident(i));
  }

  /** Soonest first, as the status page lists them. */
  maintenancesIn(statuses: readonly string[]): MaintenanceJson[] {
    const list = this.snapshot.maintenances.filter((m) => statuses.includes(m.status)).toReversed();
    return list.map((m) => this.maintenance(m));
  }
}

const UPCOMING = ['scheduled'] as const;
const ACTIVE = ['in_progress', 'verifying'] as const;

/** The shaper of a snapshot in one language. Tests pass their own site; everything else uses the configured one. */
export function statuspageShaper(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo): StatuspageShaper {
  return new StatuspageShaper(snapshot, lang, site ?? siteInfo());
}

/** The page's overall state, computed exactly as the status page computes its banner. */
export function overallFromSnapshot(snapshot: StatuspageSnapshot): OverallStatus {
  return overallStatus(
    snapshot.components.filter((c) => !c.archived).map((c) => asComponentStatus(c.status)),
    snapshot.incidents.filter((i) => isUnresolved(i.status as IncidentStatus)).map((i) => asImpact(i.impact)),
  );
}

export function statusDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), status: s.status() };
}

export function componentsDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), components: s.components() };
}

export function incidentsDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), incidents: snapshot.incidents.slice(0, 50).map((i) => s.incident(i)) };
}

export function unresolvedIncidentsDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), incidents: s.unresolvedIncidents() };
}

export function scheduledMaintenancesDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), scheduled_maintenances: snapshot.maintenances.slice(0, 50).map((m) => s.maintenance(m)) };
}

export function upcomingMaintenancesDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), scheduled_maintenances: s.maintenancesIn(UPCOMING) };
}

export function activeMaintenancesDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return { page: s.page(), scheduled_maintenances: s.maintenancesIn(ACTIVE) };
}

/** Everything a dashboard needs in one request: components, unresolved incidents, upcoming and active maintenance. */
export function summaryDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = statuspageShaper(snapshot, lang, site);
  return {
    page: s.page(),
    components: s.components(),
    incidents: s.unresolvedIncidents(),
    scheduled_maintenances: s.maintenancesIn([...UPCOMING, ...ACTIVE]),
    status: s.status(),
  };
}

/** A group shows its worst member; maintenance outranks "operational" but not a fault. */
function worstStatus(statuses: ComponentStatus[]): ComponentStatus {
  return statuses.reduce<ComponentStatus>(worseStatus, 'operational');
}

// Statuses are checked strings in the database; an unexpected one must not break a client's parser.
function asComponentStatus(value: string): ComponentStatus {
  return isComponentStatus(value) ? value : 'operational';
}

function asImpact(value: string): IncidentImpact {
  return (INCIDENT_IMPACTS as readonly string[]).includes(value) ? (value as IncidentImpact) : 'none';
}

function earlier(a: string, b: string): string {
  return a < b ? a : b;
}
