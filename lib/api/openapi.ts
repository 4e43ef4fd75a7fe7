import { writeApiPaths, writeApiSchemas, writeApiSecuritySchemes } from './openapi-v1';
import { COMPONENT_STATUSES, INCIDENT_IMPACTS, INCIDENT_STATUSES } from '../status/types';

// OpenAPI 3.1 description of the public read API. Schemas are JSON Schema 2020-12, so the tests
// validate real responses against this very document as well as against their own schema.

const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;

const time = { type: 'string', format: 'date-time', description: 'ISO 8601 with the offset of the site time zone' };
const nullableTime = { type: ['string', 'null'], format: 'date-time' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function object(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type: 'object', properties, required: Object.keys(properties), ...extra };
}

const COMPONENT_PROPERTIES = {
  id: { type: 'string' },
  name: { type: 'string' },
  status: { enum: [...COMPONENT_STATUSES] },
  created_at: time,
  updated_at: time,
  position: { type: 'integer', minimum: 1 },
  description: { type: ['string', 'null'] },
  showcase: { type: 'boolean' },
  start_date: { type: ['string', 'null'], format: 'date' },
  group_id: { type: ['string', 'null'] },
  page_id: { type: 'string' },
  group: { type: 'boolean' },
  only_show_if_degraded: { type: 'boolean' },
};

const schemas = {
  Page: object({
    id: { type: 'string', description: 'Stable page id (SITE_PAGE_ID, or derived from SITE_URL)' },
    name: { type: 'string' },
    url: { type: 'string', format: 'uri' },
    time_zone: { type: 'string', description: 'IANA time zone of the site' },
    updated_at: time,
  }),
  Status: object({
    indicator: { enum: ['none', 'minor', 'major', 'critical'] },
    description: { type: 'string', description: "The status page's banner text in the requested language (Statuspage's strings in English)" },
  }),
  // "components" is present on groups only, "tayori_uptime" on components in the component lists only: not required.
  Component: object(COMPONENT_PROPERTIES, {
    properties: {
      ...COMPONENT_PROPERTIES,
      components: { type: 'array', items: { type: 'string' }, description: 'Groups only: ids of the components in the group' },
      tayori_uptime: ref('TayoriUptime'),
    },
  }),
  TayoriUptime: object(
    {
      percent: { type: ['number', 'null'], minimum: 0, maximum: 100, description: 'Two decimals; null when nothing is known' },
      period_days: { type: 'integer', minimum: 1 },
      coverage: { enum: ['whole_period', 'recent', 'with_gaps', 'none'] },
      covered_minutes: { type: 'integer', minimum: 0 },
      covered_from: nullableTime,
      text: { type: 'string', description: 'The figure as the status page words it, e.g. 「稼働率 98.62 %（直近43分）」' },
    },
    {
      description:
        "Tayori's extension, not part of Statuspage's API: the uptime figure shown under the component's bars. Major outage time counts fully as downtime, partial outage time at 30 %, degraded performance and maintenance not at all; time before the component existed and time without data are left out, so covered_minutes can be far less than period_days. coverage: whole_period (every minute of the period), recent (from covered_from until now without a gap), with_gaps (some time without data), none.",
    },
  ),
  AffectedComponent: object({
    code: { type: 'string', description: 'The component id' },
    name: { type: 'string' },
    old_status: { enum: [...COMPONENT_STATUSES] },
    new_status: { enum: [...COMPONENT_STATUSES] },
  }),
  IncidentUpdate: object({
    id: { type: 'string' },
    status: { type: 'string' },
    body: { type: 'string', description: 'Plain text: the update\'s markdown rendered for reading, raw HTML dropped (escape it before putting it in a page)' },
    incident_id: { type: 'string' },
    created_at: time,
    updated_at: time,
    display_at: time,
    affected_components: { oneOf: [{ type: 'array', items: ref('AffectedComponent') }, { type: 'null' }] },
    deliver_notifications: { type: 'boolean' },
  }),
  Incident: object({
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: [...INCIDENT_STATUSES] },
    created_at: time,
    updated_at: time,
    monitoring_at: nullableTime,
    resolved_at: nullableTime,
    impact: { enum: [...INCIDENT_IMPACTS] },
    shortlink: { type: 'string', format: 'uri' },
    started_at: time,
    page_id: { type: 'string' },
    incident_updates: { type: 'array', items: ref('IncidentUpdate'), description: 'Newest first' },
    components: { type: 'array', items: ref('Component') },
  }),
  ScheduledMaintenance: object({
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: [...MAINTENANCE_STATUSES] },
    created_at: time,
    updated_at: time,
    monitoring_at: nullableTime,
    resolved_at: nullableTime,
    impact: { enum: [...INCIDENT_IMPACTS, 'maintenance'] },
    shortlink: { type: 'string', format: 'uri' },
    started_at: time,
    page_id: { type: 'string' },
    incident_updates: { type: 'array', items: ref('IncidentUpdate'), description: 'Newest first' },
    components: { type: 'array', items: ref('Component') },
    scheduled_for: time,
    scheduled_until: time,
  }),
  Summary: object({
    page: ref('Page'),
    components: { type: 'array', items: ref('Component') },
    incidents: { type: 'array', items: ref('Incident'), description: 'Unresolved incidents' },
    scheduled_maintenances: { type: 'array', items: ref('ScheduledMaintenance'), description: 'Upcoming and in-progress maintenance' },
    status: ref('Status'),
    tayori_arrival_estimate: { oneOf: [ref('TayoriArrivalEstimate'), { type: 'null' }] },
  }),
  TayoriArrivalEstimate: object(
    {
      component_id: { type: 'string', description: 'The inbound mail component' },
      as_of: time,
      expected_delay_s: { type: ['integer', 'null'], minimum: 0, description: 'Seconds mail sent at as_of is expected to take to reach its mailbox; null: no estimate' },
      no_estimate_reason: { enum: ['not_enough_data', 'no_drain', null] },
      backlog_messages: { type: 'integer', minimum: 0 },
      backlog_clears_at: nullableTime,
      arrivals_per_minute: { type: ['number', 'null'], minimum: 0 },
      drain_per_minute: { type: ['number', 'null'], minimum: 0 },
      basis: { enum: ['scan_queue', 'whole_queue', null] },
      text: { type: 'string', description: 'The estimate as the status page words it, e.g. 「いま送信されたメールは約23分後に届く見込みです。滞留は 14:05 ごろに解消する見込みです。」' },
    },
    {
      description:
        "Tayori's extension, not part of Statuspage's API, present in summary.json only and null unless inbound mail is delayed (its component degraded or worse, or an open incident names it): when mail sent now should reach its mailbox, from the last minute of the MTAs' rollups (the messages ahead of a new sender at the spam check and the rate the check works them off, or for senders that cannot tell, every waiting message and the rate mail left the queue), and when the backlog should be gone (null while it is not shrinking). No number is made up: without enough data, or while nothing is processed, expected_delay_s is null and no_estimate_reason says why.",
    },
  ),
  StatusDocument: object({ page: ref('Page'), status: ref('Status') }),
  ComponentsDocument: object({ page: ref('Page'), components: { type: 'array', items: ref('Component') } }),
  IncidentsDocument: object({ page: ref('Page'), incidents: { type: 'array', items: ref('Incident') } }),
  ScheduledMaintenancesDocument: object({ page: ref('Page'), scheduled_maintenances: { type: 'array', items: ref('ScheduledMaintenance') } }),
  Error: object({ error: { type: 'string' } }),
};

const langParameter = {
  name: 'lang',
  in: 'query',
  required: false,
  description: 'Language of names and texts: ja (default) or en',
  schema: { enum: ['ja', 'en'], default: 'ja' },
};

const commonHeaders = {
  ETag: { description: 'Strong validator; send it back in If-None-Match to get 304', schema: { type: 'string' } },
  'Cache-Control': { schema: { type: 'string' } },
  'Access-Control-Allow-Origin': { schema: { const: '*' } },
};

function documentPath(summary: string, schema: string) {
  return {
    get: {
      summary,
      parameters: [langParameter, { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } }],
      responses: {
        200: { description: 'OK', headers: commonHeaders, content: { 'application/json': { schema: ref(schema) } } },
        304: { description: 'Not modified (If-None-Match matched the ETag)', headers: commonHeaders },
        400: { description: 'Unknown lang', content: { 'application/json': { schema: ref('Error') } } },
      },
    },
    options: { summary: 'CORS preflight', responses: { 204: { description: 'GET allowed from any origin' } } },
  };
}

export function openApiDocument(siteUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tayori public status API',
      version: '2.0.0',
      description:
        "Read-only, Statuspage-compatible (Atlassian Statuspage API v2) documents of this status page. No authentication; CORS allowed from any origin; cached for 30 s by shared caches, with ETag revalidation. Unpublished incidents never appear. The write API under /api/v1 (Statuspage's management API shapes) needs an API key as bearer token.",
    },
    servers: [{ url: siteUrl.replace(/\/$/, '') }],
    paths: {
      '/api/v2/summary.json': documentPath('Components, unresolved incidents, upcoming and active maintenance, overall status', 'Summary'),
      '/api/v2/status.json': documentPath('Overall status indicator and description', 'StatusDocument'),
      '/api/v2/components.json': documentPath('Component groups and components with their status', 'ComponentsDocument'),
      '/api/v2/incidents.json': documentPath('The 50 most recent incidents', 'IncidentsDocument'),
      '/api/v2/incidents/unresolved.json': documentPath('Incidents in investigating, identified or monitoring', 'IncidentsDocument'),
      '/api/v2/scheduled-maintenances.json': documentPath('The 50 most recent scheduled maintenances', 'ScheduledMaintenancesDocument'),
      '/api/v2/scheduled-maintenances/upcoming.json': documentPath('Maintenances scheduled and not started', 'ScheduledMaintenancesDocument'),
      '/api/v2/scheduled-maintenances/active.json': documentPath('Maintenances in progress or verifying', 'ScheduledMaintenancesDocument'),
      '/badge.svg': {
        get: {
          summary: 'Status badge (shields style) of the page, or of one component',
          parameters: [langParameter, { name: 'component', in: 'query', required: false, description: 'Component slug', schema: { type: 'string' } }],
          responses: {
            200: { description: 'SVG badge', headers: commonHeaders, content: { 'image/svg+xml': { schema: { type: 'string' } } } },
            304: { description: 'Not modified', headers: commonHeaders },
            404: { description: 'Unknown component', content: { 'application/json': { schema: ref('Error') } } },
          },
        },
      },
      '/embed.js': {
        get: {
          summary: 'Widget script showing the current status banner on another site (<script src=".../embed.js" data-lang="en">)',
          responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } } },
        },
      },
      // The write API: API keys, Statuspage's management API shapes (lib/api/openapi-v1.ts).
      ...writeApiPaths,
    },
    components: { schemas: { ...schemas, ...writeApiSchemas }, securitySchemes: writeApiSecuritySchemes },
  };
}
