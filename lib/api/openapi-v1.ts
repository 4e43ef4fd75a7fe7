import { COMPONENT_STATUSES, INCIDENT_IMPACTS } from '../status/types';

// OpenAPI description of the write API (/api/v1), modelled on Statuspage's management API. Merged
// into the one document served at /api/v2/openapi.json (lib/api/openapi.ts).

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });

const INCIDENT_FIELDS = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 200, description: 'Title in both languages, unless name_ja / name_en give one its own' },
    name_ja: { type: 'string', maxLength: 200 },
    name_en: { type: 'string', maxLength: 200 },
    status: {
      enum: ['investigating', 'identified', 'monitoring', 'resolved', 'scheduled'],
      description: 'Creating: investigating (default), identified or monitoring; "scheduled" creates maintenance. Updating: any incident status (resolved resolves it)',
    },
    impact_override: { enum: [...INCIDENT_IMPACTS], description: 'Otherwise derived from the component statuses given: major_outage → critical, partial_outage → major, degraded_performance → minor' },
    body: { type: 'string', maxLength: 20000, description: 'Markdown, both languages unless body_ja / body_en; a standard sentence for the status when absent' },
    body_ja: { type: 'string', maxLength: 20000 },
    body_en: { type: 'string', maxLength: 20000 },
    component_ids: { type: 'array', items: { type: 'string' }, description: 'Components (Tayori id or slug) the incident names, their status unchanged' },
    components: { type: 'object', additionalProperties: { enum: [...COMPONENT_STATUSES] }, description: 'Component (id or slug) → status to set, as staff set it: it wins over the metric rules until the incident is resolved' },
    deliver_notifications: { type: 'boolean', default: true, description: 'Notify subscribers (mail, webhooks, chat) of this incident or update' },
    updated_at: {
      type: 'string',
      format: 'date-time',
      description:
        'When the update happened (display_at is the same). An update older than the newest one is stored in timeline order and changes nothing else: the status, summary and component statuses stay with the newest update, no notice is sent, and the answer carries Tayori-Update-Order: older-than-newest',
    },
    display_at: { type: 'string', format: 'date-time' },
    scheduled_for: { type: 'string', format: 'date-time', description: 'Maintenance: start (with scheduled_until and at least one component)' },
    scheduled_until: { type: 'string', format: 'date-time', description: 'Maintenance: end' },
    scheduled_remind_prior: { type: 'boolean', default: true, description: 'Maintenance: remind subscribers before the start (60 minutes, or remind_before_minutes)' },
    remind_before_minutes: { type: 'integer', minimum: 0, maximum: 10080 },
  },
};

export const writeApiSchemas = {
  ApiError: {
    type: 'object',
    required: ['error', 'details'],
    properties: { error: { type: 'string', description: 'What went wrong, in a sentence' }, details: { type: 'array', items: {}, description: 'The fields or components concerned' } },
  },
  IncidentWrite: { type: 'object', required: ['incident'], properties: { incident: INCIDENT_FIELDS } },
  ComponentWrite: {
    type: 'object',
    required: ['component'],
    properties: {
      component: {
        type: 'object',
        required: ['status'],
        properties: { status: { enum: [...COMPONENT_STATUSES, 'auto', null], description: 'A status (staff override, wins over the rules), or "auto" / null to give the component back to its rule' } },
      },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      code,
      {
        description: {
          400: 'The body is not valid JSON or form data',
          401: 'No key, an unknown key or a revoked key (WWW-Authenticate: Bearer)',
          403: 'The key’s role or component scope does not allow this',
          404: 'Another page id, or no such incident or component',
          409: 'A request with this Idempotency-Key is still being applied',
          413: 'The body is larger than 64 KB',
          415: 'The body is neither application/json nor application/x-www-form-urlencoded',
          422: 'Invalid fields, unknown components (named in details), or an Idempotency-Key already used for a different request',
        }[code],
        content: json(ref('ApiError')),
      },
    ]),
  );

const pageId = { name: 'page_id', in: 'path', required: true, description: 'The page id (page.id of /api/v2/summary.json)', schema: { type: 'string' } };
const incidentId = { name: 'incident_id', in: 'path', required: true, description: 'Incident (or maintenance) id, or its slug', schema: { type: 'string' } };
const componentId = { name: 'component_id', in: 'path', required: true, description: 'Component id or slug', schema: { type: 'string' } };
const lang = { name: 'lang', in: 'query', required: false, description: 'Language of names and texts in the answer: ja (default) or en', schema: { enum: ['ja', 'en'] } };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Up to 255 visible ASCII characters. The same key with the same request within 24 h gives the first answer again (Idempotent-Replayed: true) and applies nothing; with a different request 422; while the first is running 409',
  schema: { type: 'string', maxLength: 255 },
};
const writeBody = (schema: string) => ({
  required: true,
  content: {
    ...json(ref(schema)),
    'application/x-www-form-urlencoded': { schema: ref(schema), description: 'Bracketed names as Statuspage’s curl examples: incident[name]=…&incident[component_ids][]=dns&incident[components][dns]=major_outage' },
  },
});
const security = [{ apiKey: [] }];

export const writeApiPaths = {
  '/api/v1/pages/{page_id}/incidents': {
    parameters: [pageId, lang],
    get: { summary: 'Published incidents, newest first (the 50 most recent and any still open)', security, responses: { 200: { description: 'OK', content: json({ type: 'array', items: ref('Incident') }) }, ...errors(401, 404) } },
    post: {
      summary: 'Create an incident, or maintenance (incident[status]=scheduled with scheduled_for and scheduled_until)',
      security,
      parameters: [idempotencyKey],
      requestBody: writeBody('IncidentWrite'),
      responses: { 201: { description: 'Created: the incident, or the maintenance', content: json({ oneOf: [ref('Incident'), ref('ScheduledMaintenance')] }) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    },
  },
  '/api/v1/pages/{page_id}/incidents/{incident_id}': {
    parameters: [pageId, incidentId, lang],
    get: { summary: 'One incident or maintenance', security, responses: { 200: { description: 'OK', content: json({ oneOf: [ref('Incident'), ref('ScheduledMaintenance')] }) }, ...errors(401, 404) } },
    patch: {
      summary: 'Post an update (status, body, components) and/or rename it or change its impact',
      security,
      parameters: [idempotencyKey],
      requestBody: writeBody('IncidentWrite'),
      responses: { 200: { description: 'The incident after the change', content: json(ref('Incident')) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    },
    put: { summary: 'Same as PATCH (Statuspage accepts both)', security, parameters: [idempotencyKey], requestBody: writeBody('IncidentWrite'), responses: { 200: { description: 'The incident after the change', content: json(ref('Incident')) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) } },
    delete: { summary: 'Take the incident off the public pages; its history is kept (admin keys only)', security, responses: { 200: { description: 'The incident as it was', content: json(ref('Incident')) }, ...errors(401, 403, 404) } },
  },
  '/api/v1/pages/{page_id}/components': {
    parameters: [pageId, lang],
    get: { summary: 'Component groups and components, as /api/v2/components.json lists them', security, responses: { 200: { description: 'OK', content: json({ type: 'array', items: ref('Component') }) }, ...errors(401, 404) } },
  },
  '/api/v1/pages/{page_id}/components/{component_id}': {
    parameters: [pageId, componentId, lang],
    get: { summary: 'One component', security, responses: { 200: { description: 'OK', content: json(ref('Component')) }, ...errors(401, 404) } },
    patch: {
      summary: 'Set the component’s status (component[status]), as staff would: it wins over the rules until cleared. "auto" or null clears it',
      security,
      parameters: [idempotencyKey],
      requestBody: writeBody('ComponentWrite'),
      responses: { 200: { description: 'The component', content: json(ref('Component')) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    },
    put: { summary: 'Same as PATCH', security, parameters: [idempotencyKey], requestBody: writeBody('ComponentWrite'), responses: { 200: { description: 'The component', content: json(ref('Component')) }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) } },
  },
  '/api/v1/pages/{page_id}/components/{component_id}/status': {
    parameters: [pageId, componentId, lang],
    delete: {
      summary: 'Clear the status set through the API or an incident: the component shows its rule’s status again (operational when no rule watches it)',
      security,
      responses: { 200: { description: 'The component', content: json(ref('Component')) }, ...errors(401, 403, 404) },
    },
  },
};

export const writeApiSecuritySchemes = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (tyk_…) from `npm run apikey -- create` or the console’s API keys page: Authorization: Bearer <key>. Statuspage’s form, Authorization: OAuth <key>, is accepted too.',
  },
};
