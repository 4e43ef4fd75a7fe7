import Ajv from 'ajv';
import addFormats from 'ajv-formats';

// JSON Schemas of Atlassian Statuspage's public API v2 documents, written from the field lists of
// the issue (and Statuspage's documentation), independently of lib/api: what a client expects.
// Extra fields are allowed, as Statuspage clients ignore them.

// ISO 8601 with an explicit offset (a client must be able to place the time without guessing).
const time = { type: 'string', format: 'date-time', pattern: '(Z|[+-]\\d{2}:\\d{2})$' };
const nullableTime = { anyOf: [time, { type: 'null' }] };
const id = { type: 'string', minLength: 1 };
const COMPONENT_STATUS = { enum: ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] };

function obj(properties: Record<string, unknown>, optional: string[] = []) {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) };
}

const page = obj({ id, name: { type: 'string', minLength: 1 }, url: { type: 'string', format: 'uri' }, time_zone: { type: 'string', minLength: 1 }, updated_at: time });
const status = obj({ indicator: { enum: ['none', 'minor', 'major', 'critical'] }, description: { type: 'string', minLength: 1 } });

const component = obj(
  {
    id,
    name: { type: 'string', minLength: 1 },
    status: COMPONENT_STATUS,
    created_at: time,
    updated_at: time,
    position: { type: 'integer' },
    description: { type: ['string', 'null'] },
    showcase: { type: 'boolean' },
    start_date: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
    group_id: { type: ['string', 'null'] },
    page_id: id,
    group: { type: 'boolean' },
    only_show_if_degraded: { type: 'boolean' },
    components: { type: 'array', items: id },
  },
  ['components'],
);
// Groups list their components' ids; components do not.
const componentOrGroup = {
  ...component,
  if: { properties: { group: { const: true } } },
  then: { required: ['components'] },
};

const affectedComponent = obj({ code: id, name: { type: 'string' }, old_status: COMPONENT_STATUS, new_status: COMPONENT_STATUS });

const incidentUpdate = obj({
  id,
  status: { type: 'string' },
  body: { type: 'string' },
  incident_id: id,
  created_at: time,
  updated_at: time,
  display_at: time,
  affected_components: { anyOf: [{ type: 'array', items: affectedComponent }, { type: 'null' }] },
  deliver_notifications: { type: 'boolean' },
});

const incidentFields = {
  id,
  name: { type: 'string', minLength: 1 },
  status: { enum: ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] },
  created_at: time,
  updated_at: time,
  monitoring_at: nullableTime,
  resolved_at: nullableTime,
  impact: { enum: ['none', 'minor', 'major', 'critical'] },
  shortlink: { type: 'string', format: 'uri' },
  started_at: time,
  page_id: id,
  incident_updates: { type: 'array', items: { ...incidentUpdate, properties: { ...incidentUpdate.properties, status: { enum: ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'] } } } },
  components: { type: 'array', items: component },
};
const incident = obj(incidentFields);

const maintenance = obj({
  ...incidentFields,
  status: { enum: ['scheduled', 'in_progress', 'verifying', 'completed'] },
  // Statuspage marks maintenance with the impact "maintenance".
  impact: { enum: ['none', 'minor', 'major', 'critical', 'maintenance'] },
  incident_updates: { type: 'array', items: incidentUpdate },
  scheduled_for: time,
  scheduled_until: time,
});

const list = (items: unknown) => ({ type: 'array', items });

export const SCHEMAS = {
  '/api/v2/summary.json': obj({ page, components: list(componentOrGroup), incidents: list(incident), scheduled_maintenances: list(maintenance), status }),
  '/api/v2/status.json': obj({ page, status }),
  '/api/v2/components.json': obj({ page, components: list(componentOrGroup) }),
  '/api/v2/incidents.json': obj({ page, incidents: { ...list(incident), maxItems: 50 } }),
  '/api/v2/incidents/unresolved.json': obj({
    page,
    incidents: list({ ...incident, properties: { ...incident.properties, status: { enum: ['investigating', 'identified', 'monitoring'] } } }),
  }),
  '/api/v2/scheduled-maintenances.json': obj({ page, scheduled_maintenances: { ...list(maintenance), maxItems: 50 } }),
  '/api/v2/scheduled-maintenances/upcoming.json': obj({
    page,
    scheduled_maintenances: list({ ...maintenance, properties: { ...maintenance.properties, status: { const: 'scheduled' } } }),
  }),
  '/api/v2/scheduled-maintenances/active.json': obj({
    page,
    scheduled_maintenances: list({ ...maintenance, properties: { ...maintenance.properties, status: { enum: ['in_progress', 'verifying'] } } }),
  }),
} as const;

export type Endpoint = keyof typeof SCHEMAS;
export const ENDPOINTS = Object.keys(SCHEMAS) as Endpoint[];

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new Map(ENDPOINTS.map((e) => [e, ajv.compile(SCHEMAS[e])]));

/** The schema errors of a document, as readable lines; empty when it conforms. */
export function schemaErrors(endpoint: Endpoint, document: unknown): string[] {
  const validate = validators.get(endpoint)!;
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
