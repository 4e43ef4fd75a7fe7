import 'server-only';
import { createHash } from 'node:crypto';
import { isoInZone } from '../dates/format';
import { env } from '../env';
import { localePath, pick, type Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import type { UptimeCoverage } from '../metrics/uptime';
import { uptimeFigureText } from '../metrics/uptime-text';
import { overallStatus, type OverallStatus } from '../status/indicator';
import { COMPONENT_STATUSES, INCIDENT_IMPACTS, isUnresolved, type ComponentStatus, type IncidentImpact, type IncidentStatus } from '../status/types';
import type { SnapshotComponent, SnapshotIncident, SnapshotMaintenance, SnapshotUpdate, StatuspageSnapshot } from './statuspage-data';

// The documents of Atlassian Statuspage's public API v2, shaped from a snapshot, so that clients
// written for Statuspage read Tayori unchanged. One function per document; plain objects.

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

/** Shapes the parts of the documents for one language and site. */
class Shaper {
  private readonly componentsById: Map<string, SnapshotComponent>;

  constructor(
    private readonly snapshot: StatuspageSnapshot,
    private readonly lang: Lang,
    private readonly site: SiteInfo,
  ) {
    this.componentsById = new Map(snapshot.components.map((c) => [c.id, c]));
  }

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

  component(c: SnapshotComponent, position: number, withUptime = false): ComponentJson {
    const uptime = withUptime ? this.snapshot.uptime[c.slug] : undefined;
    return {
      id: c.id,
      name: pick(this.lang, c.nameJa, c.nameEn),
      status: asComponentStatus(c.status),
      created_at: this.time(c.createdAt),
      updated_at: this.time(c.updatedAt),
      position,
      description: pick(this.lang, c.descriptionJa, c.descriptionEn) || null,
      showcase: true,
      start_date: isoInZone(new Date(c.createdAt), this.site.timeZone, 'day'),
      group_id: c.groupId,
      page_id: this.site.pageId,
      group: false,
      only_show_if_degraded: false,
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

  /** Groups and their components, as Statuspage lists them: each group followed by its members. */
  components(): ComponentJson[] {
    const list: ComponentJson[] = [];
    this.snapshot.groups.forEach((g, groupIndex) => {
      const members = g.componentIds.map((id) => this.componentsById.get(id)!).filter(Boolean);
      list.push({
        id: g.id,
        name: pick(this.lang, g.nameJa, g.nameEn),
        status: worstStatus(members.map((m) => asComponentStatus(m.status))),
        created_at: this.time(g.createdAt),
        updated_at: this.time(g.updatedAt),
        position: groupIndex + 1,
        description: null,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: this.site.pageId,
        group: true,
        only_show_if_degraded: false,
        components: members.map((m) => m.id),
      });
      members.forEach((m, i) => list.push(this.component(m, i + 1, true)));
    });
    return list;
  }

  /** Components of an incident or maintenance, with their current state. */
  affected(ids: string[]): ComponentJson[] {
    const order = new Map(this.snapshot.components.map((c, i) => [c.id, i]));
    return ids
      .filter((id) => this.componentsById.has(id))
      .toSorted((a, b) => order.get(a)! - order.get(b)!)
      .map((id) => {
        const c = this.componentsById.get(id)!;
        const group = this.snapshot.groups.find((g) => g.id === c.groupId);
        return this.component(c, (group?.componentIds.indexOf(c.id) ?? 0) + 1);
      });
  }

  update(u: SnapshotUpdate, parentId: string, notified: boolean): IncidentUpdateJson {
    const affected = u.transitions
      .filter((t) => this.componentsById.has(t.componentId) && isComponentStatus(t.oldStatus) && isComponentStatus(t.newStatus))
      .map((t) => ({
        code: t.componentId,
        name: pick(this.lang, this.componentsById.get(t.componentId)!.nameJa, this.componentsById.get(t.componentId)!.nameEn),
        old_status: t.oldStatus as ComponentStatus,
        new_status: t.newStatus as ComponentStatus,
      }));
    return {
      id: u.id,
      status: u.status,
      body: pick(this.lang, u.bodyJa, u.bodyEn),
      incident_id: parentId,
      // Reports imported from content/ were written after the fact: never claim a creation later than the event.
      created_at: this.time(earlier(u.createdAt, u.displayAt)),
      updated_at: this.time(u.updatedAt),
      display_at: this.time(u.displayAt),
      affected_components: affected.length > 0 ? affected : null,
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

// Tests pass their own site; routes use the configured one.
const shaper = (snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) => new Shaper(snapshot, lang, site ?? siteInfo());

/** The page's overall state, computed exactly as the status page computes its banner. */
export function overallFromSnapshot(snapshot: StatuspageSnapshot): OverallStatus {
  return overallStatus(
    snapshot.components.map((c) => asComponentStatus(c.status)),
    snapshot.incidents.filter((i) => isUnresolved(i.status as IncidentStatus)).map((i) => asImpact(i.impact)),
  );
}

export function statusDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), status: s.status() };
}

export function componentsDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), components: s.components() };
}

export function incidentsDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), incidents: snapshot.incidents.slice(0, 50).map((i) => s.incident(i)) };
}

export function unresolvedIncidentsDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), incidents: s.unresolvedIncidents() };
}

export function scheduledMaintenancesDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), scheduled_maintenances: snapshot.maintenances.slice(0, 50).map((m) => s.maintenance(m)) };
}

export function upcomingMaintenancesDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), scheduled_maintenances: s.maintenancesIn(UPCOMING) };
}

export function activeMaintenancesDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return { page: s.page(), scheduled_maintenances: s.maintenancesIn(ACTIVE) };
}

/** Everything a dashboard needs in one request: components, unresolved incidents, upcoming and active maintenance. */
export function summaryDocument(snapshot: StatuspageSnapshot, lang: Lang, site?: SiteInfo) {
  const s = shaper(snapshot, lang, site);
  return {
    page: s.page(),
    components: s.components(),
    incidents: s.unresolvedIncidents(),
    scheduled_maintenances: s.maintenancesIn([...UPCOMING, ...ACTIVE]),
    status: s.status(),
  };
}

const COMPONENT_RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/** A group shows its worst member; maintenance outranks "operational" but not a fault. */
function worstStatus(statuses: ComponentStatus[]): ComponentStatus {
  return statuses.reduce<ComponentStatus>((worst, s) => (COMPONENT_RANK[s] > COMPONENT_RANK[worst] ? s : worst), 'operational');
}

function isComponentStatus(value: string): value is ComponentStatus {
  return (COMPONENT_STATUSES as readonly string[]).includes(value);
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
