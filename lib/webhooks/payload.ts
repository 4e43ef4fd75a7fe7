import { markdownToText } from '../content/plain-text';
import type { Lang } from '../i18n/locales';

// Statuspage's webhook shapes (https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/):
// { meta, page, incident: { …, incident_updates: [...] } } and
// { meta, page, component_update: {...}, component: {...} }, so existing receivers work unchanged.

export interface PageInfo {
  id: string;
  statusIndicator: string;
  statusDescription: string;
}

export interface IncidentForPayload {
  id: string;
  name: string;
  status: string;
  impact: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date;
  resolvedAt: Date | null;
  monitoringAt: Date | null;
  shortlink: string;
  /** `body` is the update's markdown; the payload carries its plain-text rendering, as the API does. */
  updates: { id: string; status: string; body: string; displayAt: Date; createdAt: Date; updatedAt: Date; affectedComponents: { code: string; name: string; old_status: string; new_status: string }[] }[];
  components: { id: string; name: string; status: string; description: string; position: number; createdAt: Date; updatedAt: Date }[];
}

function meta(unsubscribeUrl: string, documentationUrl: string, lang: Lang) {
  return { unsubscribe: unsubscribeUrl, documentation: documentationUrl, generated_at: new Date().toISOString(), language: lang };
}

function page(p: PageInfo) {
  return { id: p.id, status_indicator: p.statusIndicator, status_description: p.statusDescription };
}

export function incidentPayload(incident: IncidentForPayload, pageInfo: PageInfo, unsubscribeUrl: string, documentationUrl: string, lang: Lang) {
  return {
    meta: meta(unsubscribeUrl, documentationUrl, lang),
    page: page(pageInfo),
    incident: {
      backfilled: false,
      created_at: incident.createdAt.toISOString(),
      impact: incident.impact,
      impact_override: null,
      monitoring_at: incident.monitoringAt?.toISOString() ?? null,
      postmortem_body: null,
      name: incident.name,
      resolved_at: incident.resolvedAt?.toISOString() ?? null,
      shortlink: incident.shortlink,
      started_at: incident.startedAt.toISOString(),
      status: incident.status,
      updated_at: incident.updatedAt.toISOString(),
      id: incident.id,
      page_id: pageInfo.id,
      // Newest first, as Statuspage sends them.
      incident_updates: incident.updates
        .toSorted((a, b) => b.displayAt.getTime() - a.displayAt.getTime())
        .map((u) => ({
          body: markdownToText(u.body),
          created_at: u.createdAt.toISOString(),
          display_at: u.displayAt.toISOString(),
          id: u.id,
          incident_id: incident.id,
          status: u.status,
          updated_at: u.updatedAt.toISOString(),
          affected_components: u.affectedComponents,
        })),
      components: incident.components.map((c) => ({
        created_at: c.createdAt.toISOString(),
        description: c.description,
        id: c.id,
        name: c.name,
        page_id: pageInfo.id,
        position: c.position,
        status: c.status,
        updated_at: c.updatedAt.toISOString(),
      })),
    },
  };
}

export interface ComponentChange {
  id: string;
  componentId: string;
  componentName: string;
  componentStatus: string;
  componentCreatedAt: Date;
  oldStatus: string;
  newStatus: string;
  at: Date;
}

export function componentPayload(change: ComponentChange, pageInfo: PageInfo, unsubscribeUrl: string, documentationUrl: string, lang: Lang) {
  return {
    meta: meta(unsubscribeUrl, documentationUrl, lang),
    page: page(pageInfo),
    component_update: {
      created_at: change.at.toISOString(),
      new_status: change.newStatus,
      old_status: change.oldStatus,
      id: change.id,
      component_id: change.componentId,
    },
    component: {
      created_at: change.componentCreatedAt.toISOString(),
      id: change.componentId,
      name: change.componentName,
      status: change.componentStatus,
    },
  };
}
