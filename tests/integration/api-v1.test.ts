import { spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHash } from '../../lib/api-keys/idempotency-hash';
import { generateApiKey } from '../../lib/api-keys/key';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, ROOT, startSite, type RunningSite } from '../support/site';

// The write API as a monitoring script uses it: keys made with the real CLI, incidents opened,
// updated and resolved with Statuspage's field names, component statuses set and cleared,
// maintenance scheduled; and every refusal a script can meet. On a copy of the test database.

let site: RunningSite;
let db: TestDatabase;
let pageId = '';
const keys: Record<'editor' | 'admin' | 'scoped' | 'revoked', { key: string; prefix: string }> = {} as never;

function apikey(...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/apikey.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: site.databaseUrl, SITE_URL: site.url },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function createKey(name: string, ...args: string[]) {
  const out = apikey('create', '--name', name, ...args);
  expect(out.status, out.stderr).toBe(0);
  const [key, details] = out.stdout.trim().split('\n');
  expect(key).toMatch(/^tyk_[A-Za-z0-9_-]{43}$/);
  const prefix = /prefix (\S+)/.exec(details)![1];
  expect(key.startsWith(prefix)).toBe(true);
  return { key, prefix };
}

async function insertKey(name: string, role: 'editor' | 'admin') {
  const generated = generateApiKey();
  await db.apiKey.create({ data: { name, role, prefix: generated.prefix, keyHash: generated.keyHash, createdByEmail: 'cli' } });
  return { key: generated.key, prefix: generated.prefix };
}

type Init = { method?: string; key?: string | null; json?: unknown; form?: string; headers?: Record<string, string>; body?: string };

async function call(path: string, init: Init = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.Authorization ??= `Bearer ${init.key ?? keys.editor.key}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = init.form;
  }
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  const send = () => fetch(`${site.url}/api/v1/pages/${pageId}${path}`, { method, headers, body });
  // A GET after a pause (a CLI run) may meet a kept-alive connection the server has just closed.
  const res = await send().catch((error) => (method === 'GET' ? send() : Promise.reject(error)));
  const text = await res.text();
  return { res, status: res.status, body: text ? JSON.parse(text) : null, text };
}

const v2 = async (path: string) => (await fetch(`${site.url}${path}`)).json() as Promise<any>;

beforeAll(async () => {
  // The rule timer stays out of the way: component statuses here change only through the API.
  site = await startSite({ ...isolatedSite('api-v1'), RULE_TICK_SECONDS: '300' }, { worker: false });
  db = openDatabase(site.databaseUrl);
  pageId = (await v2('/api/v2/summary.json')).page.id;
  keys.editor = createKey('ci-editor', '--role', 'editor');
  keys.scoped = createKey('dns-monitor', '--role', 'editor', '--components', 'dns');
  // Each CLI run costs a Node start: these two are stored as the CLI stores them.
  keys.admin = await insertKey('ci-admin', 'admin');
  keys.revoked = await insertKey('old-script', 'editor');
  const revoked = apikey('revoke', keys.revoked.prefix);
  expect(revoked.status, revoked.stderr).toBe(0);
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

describe('keys', () => {
  it('lists keys by prefix, role and scope, never the key', () => {
    const list = apikey('list');
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`${keys.scoped.prefix}`);
    expect(list.stdout).toMatch(/dns-monitor\teditor\tdns\t/);
    expect(list.stdout).toMatch(/old-script\teditor\tall\trevoked/);
    for (const k of Object.values(keys)) expect(list.stdout).not.toContain(k.key);
  });

  it('refuses a call without a key, with a wrong one and with a revoked one (401)', async () => {
    for (const key of [null, 'tyk_' + 'A'.repeat(43), 'not-a-key', keys.revoked.key]) {
      const r = await call('/incidents', { key });
      expect(r.status).toBe(401);
      expect(r.res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(r.body.error).toBeTruthy();
      expect(r.body.details).toEqual([]);
    }
    expect((await call('/incidents', { key: keys.revoked.key })).body.error).toContain('revoked');
  });

  it('takes Statuspage’s "Authorization: OAuth <key>" as well', async () => {
    const r = await call('/components', { headers: { Authorization: `OAuth ${keys.editor.key}` } });
    expect(r.status).toBe(200);
    expect(r.body.map((c: { name: string }) => c.name)).toContain('DNS');
  });

  it('answers 404 for another page id', async () => {
    const res = await fetch(`${site.url}/api/v1/pages/0123456789ab/incidents`, { headers: { Authorization: `Bearer ${keys.editor.key}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toBe('No such page');
  });
});

describe('an incident from open to resolved', () => {
  let incidentId = '';
  let slug = '';

  it('opens it from a curl-style form with a component status, once per Idempotency-Key', async () => {
    const form =
      'incident[name]=DNS%20%E5%BF%9C%E7%AD%94%E9%81%85%E5%BB%B6&incident[name_en]=Slow%20DNS%20answers&incident[status]=investigating' +
      '&incident[body]=Looking%20into%20it&incident[components][dns]=major_outage&incident[deliver_notifications]=true';
    const first = await call('/incidents', { form, headers: { 'Idempotency-Key': 'open-dns-1' } });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ name: 'DNS 応答遅延', status: 'investigating', impact: 'critical', page_id: pageId });
    expect(first.body.components.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['DNS', 'major_outage']]);
    incidentId = first.body.id;
    slug = first.body.shortlink.split('/').at(-1);

    const replay = await call('/incidents', { form, headers: { 'Idempotency-Key': 'open-dns-1' } });
    expect(replay.status).toBe(201);
    expect(replay.res.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(incidentId);
    expect(await db.incident.count({ where: { titleEn: 'Slow DNS answers' } })).toBe(1);

    const changed = await call('/incidents', { form: form.replace('investigating', 'identified'), headers: { 'Idempotency-Key': 'open-dns-1' } });
    expect(changed.status).toBe(422);
    expect(changed.body.error).toContain('different request');
  });

  it('answers 409 while a request with the same key is still being applied', async () => {
    const key = await db.apiKey.findFirstOrThrow({ where: { prefix: keys.editor.prefix } });
    const json = { incident: { body: 'x' } };
    // The first request's record, as it stands while that request is being applied.
    await db.idempotencyRecord.create({ data: { apiKeyId: key.id, key: 'still-running', requestHash: requestHash('PATCH', `/api/v1/pages/${pageId}/incidents/${incidentId}`, JSON.stringify(json)) } });
    const r = await call(`/incidents/${incidentId}`, { method: 'PATCH', json, headers: { 'Idempotency-Key': 'still-running' } });
    expect(r.status).toBe(409);
    expect(r.body.error).toContain('still being applied');
    expect(await db.incidentUpdate.count({ where: { incidentId } })).toBe(1);
  });

  it('is on the public API and page, with the component down and a notice enqueued', async () => {
    const unresolved = await v2('/api/v2/incidents/unresolved.json?lang=en');
    expect(unresolved.incidents.map((i: { id: string; name: string }) => [i.id, i.name])).toContainEqual([incidentId, 'Slow DNS answers']);
    const components = await v2('/api/v2/components.json');
    expect(components.components.find((c: { name: string }) => c.name === 'DNS').status).toBe('major_outage');
    const page = await (await fetch(`${site.url}/incidents/${slug}`)).text();
    expect(page).toContain('DNS 応答遅延');
    const notices = await db.notice.findMany({ where: { incidentId } });
    expect(notices.map((n) => n.kind)).toEqual(['incident_opened']);
  });

  it('posts an update without a notice when deliver_notifications is false', async () => {
    const r = await call(`/incidents/${incidentId}`, { method: 'PATCH', json: { incident: { status: 'identified', body_ja: '原因を特定しました。', body_en: 'Cause found.', deliver_notifications: false } }, headers: { 'Idempotency-Key': 'dns-identified' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.status).toBe('identified');
    expect(r.body.incident_updates[0].body).toBe('原因を特定しました。');
    expect(await db.notice.count({ where: { incidentId } })).toBe(1);
  });

  it('keeps a late update in timeline order without moving the status back', async () => {
    const opened = await db.incidentUpdate.findFirstOrThrow({ where: { incidentId }, orderBy: { displayAt: 'asc' } });
    const earlier = new Date(opened.displayAt.getTime() - 60_000).toISOString();
    const r = await call(`/incidents/${incidentId}`, { method: 'PATCH', json: { incident: { status: 'investigating', body: 'First alert fired', updated_at: earlier, components: { dns: 'degraded_performance' } } } });
    expect(r.status, r.text).toBe(200);
    expect(r.res.headers.get('tayori-update-order')).toBe('older-than-newest');
    expect(r.body.status).toBe('identified');
    expect(r.body.incident_updates.map((u: { body: string }) => u.body)).toEqual(['原因を特定しました。', 'Looking into it', 'First alert fired']);
    expect(r.body.components[0].status).toBe('major_outage');
  });

  it('resolves it: components back, a notice with the resolution, every call in the audit log', async () => {
    const r = await call(`/incidents/${incidentId}`, { method: 'PUT', form: 'incident[status]=resolved&incident[body]=Fixed&incident[components][dns]=operational' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.status).toBe('resolved');
    expect(r.body.resolved_at).toMatch(/\+09:00$/);
    const dns = (await v2('/api/v2/components.json')).components.find((c: { name: string }) => c.name === 'DNS');
    expect(dns.status).toBe('operational');
    expect((await db.notice.findMany({ where: { incidentId }, orderBy: { createdAt: 'asc' } })).map((n) => n.kind)).toEqual(['incident_opened', 'incident_resolved']);

    const entries = await db.auditLog.findMany({ where: { targetId: incidentId, actorEmail: `api-key:${keys.editor.prefix} (ci-editor)` }, orderBy: { at: 'asc' } });
    expect(entries.map((e) => e.action)).toEqual(['incident.publish', 'incident.notify', 'incident.update', 'incident.update', 'incident.update', 'incident.notify']);
    expect(JSON.parse(entries[2].details)).toMatchObject({ via: 'api', method: 'PATCH', status: 'identified' });
    expect(JSON.parse(entries[3].details)).toMatchObject({ outOfOrder: true });
    // The final report's draft follows the resolution, as when staff resolve in the console.
    expect(await db.auditLog.count({ where: { targetId: incidentId, action: 'incident.report_drafted' } })).toBe(1);
  });

  it('lets only an admin key take it off the public pages (403 for an editor)', async () => {
    const denied = await call(`/incidents/${incidentId}`, { method: 'DELETE' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toContain('admin');
    const removed = await call(`/incidents/${incidentId}`, { method: 'DELETE', key: keys.admin.key });
    expect(removed.status).toBe(200);
    expect((await call(`/incidents/${incidentId}`)).status).toBe(404);
  });
});

describe('bad input', () => {
  it('names unknown components (422) and stores nothing', async () => {
    const before = await db.incident.count();
    const r = await call('/incidents', { json: { incident: { name: 'x', component_ids: ['dns', 'no-such-thing'], components: { nope: 'major_outage' } } } });
    expect(r.status).toBe(422);
    expect(r.body.details.join(' ')).toContain('no-such-thing');
    expect(r.body.details.join(' ')).toContain('nope');
    expect(await db.incident.count()).toBe(before);
  });

  it('refuses invalid fields, big bodies and other content types', async () => {
    const invalid = await call('/incidents', { json: { incident: { name: 'x', status: 'exploded' } } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details[0]).toContain('incident.status');
    const big = await call('/incidents', { json: { incident: { name: 'x', body: 'y'.repeat(70_000) } } });
    expect(big.status).toBe(413);
    const text = await call('/incidents', { body: 'incident[name]=x', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    const broken = await call('/incidents', { body: '{"incident":', headers: { 'Content-Type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect((await call('/incidents/does-not-exist')).status).toBe(404);
  });

  it('keeps a scoped key to its components (403)', async () => {
    const other = await call('/incidents', { key: keys.scoped.key, json: { incident: { name: 'Webmail slow', components: { webmail: 'degraded_performance' } } } });
    expect(other.status).toBe(403);
    expect(other.body.details.join(' ')).toContain('webmail');
    const mixed = await call('/incidents', { key: keys.scoped.key, json: { incident: { name: 'Both', component_ids: ['dns', 'vps'] } } });
    expect(mixed.status).toBe(403);
    expect((await call('/components/vps', { method: 'PATCH', key: keys.scoped.key, json: { component: { status: 'major_outage' } } })).status).toBe(403);
    const own = await call('/components/dns', { method: 'PATCH', key: keys.scoped.key, json: { component: { status: 'degraded_performance' } } });
    expect(own.status).toBe(200);
    expect((await call('/components/dns/status', { method: 'DELETE', key: keys.scoped.key })).body.status).toBe('operational');
  });
});

describe('component status', () => {
  it('sets the status staff would set, which wins over the rule, and clearing it restores the rule’s', async () => {
    const outbound = await db.component.findUniqueOrThrow({ where: { slug: 'mail-outbound' }, include: { rule: true } });
    // What the rule asserts now (as if the MTA had reported slow mail).
    await db.componentMetricRule.update({ where: { id: outbound.rule!.id }, data: { ruleStatus: 'degraded_performance' } });
    await db.component.update({ where: { id: outbound.id }, data: { status: 'degraded_performance', noData: false } });

    const set = await call(`/components/${outbound.id}`, { method: 'PATCH', form: 'component[status]=major_outage', headers: { 'Idempotency-Key': 'outbound-down' } });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ id: outbound.id, status: 'major_outage' });
    expect((await db.component.findUniqueOrThrow({ where: { id: outbound.id } })).overrideStatus).toBe('major_outage');
    const listed = (await v2('/api/v2/components.json')).components.find((c: { id: string }) => c.id === outbound.id);
    expect(listed.status).toBe('major_outage');

    const cleared = await call('/components/mail-outbound/status', { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.status).toBe('degraded_performance');
    expect((await db.component.findUniqueOrThrow({ where: { id: outbound.id } })).overrideStatus).toBeNull();

    const vps = await call('/components/vps', { method: 'PATCH', json: { component: { status: 'partial_outage' } } });
    expect(vps.body.status).toBe('partial_outage');
    const auto = await call('/components/vps', { method: 'PATCH', json: { component: { status: 'auto' } } });
    expect(auto.body.status).toBe('operational');
    const actions = (await db.auditLog.findMany({ where: { targetType: 'component', actorEmail: { startsWith: 'api-key:' } } })).map((e) => e.action);
    expect(actions.filter((a) => a === 'component.status_set').length).toBeGreaterThanOrEqual(2);
    expect(actions.filter((a) => a === 'component.status_cleared').length).toBeGreaterThanOrEqual(2);
  });
});

describe('maintenance', () => {
  it('is created as Statuspage creates it: an incident with scheduled_for, scheduled_until and status scheduled', async () => {
    const start = new Date(Date.now() + 2 * 24 * 3600_000);
    start.setUTCMinutes(0, 0, 0);
    const end = new Date(start.getTime() + 2 * 3600_000);
    const r = await call('/incidents', {
      form: `incident[name]=VPS%20host%20upgrade&incident[status]=scheduled&incident[scheduled_for]=${encodeURIComponent(start.toISOString())}&incident[scheduled_until]=${encodeURIComponent(end.toISOString())}&incident[component_ids][]=vps&incident[body]=Hosts%20are%20upgraded`,
      headers: { 'Idempotency-Key': 'vps-upgrade' },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ name: 'VPS host upgrade', status: 'scheduled', impact: 'maintenance' });
    expect(new Date(r.body.scheduled_for).getTime()).toBe(start.getTime());
    const row = await db.maintenance.findUniqueOrThrow({ where: { id: r.body.id }, include: { components: true } });
    const vps = await db.component.findUniqueOrThrow({ where: { slug: 'vps' } });
    expect(row.components.map((c) => c.componentId)).toEqual([vps.id]);
    expect(await db.notice.count({ where: { kind: 'maintenance_announced', dedupeKey: { contains: row.id } } })).toBe(1);
    const upcoming = await v2('/api/v2/scheduled-maintenances/upcoming.json');
    expect(upcoming.scheduled_maintenances.map((m: { id: string }) => m.id)).toContain(row.id);
    expect((await call(`/incidents/${row.id}`)).body.scheduled_until).toBeTruthy();
  });
});

describe('the keys stay secret', () => {
  it('never appear in the audit log, the site’s output, the database or any page', async () => {
    const secrets = Object.values(keys).map((k) => k.key);
    const audit = JSON.stringify(await db.auditLog.findMany());
    const stored = JSON.stringify(await db.apiKey.findMany()) + JSON.stringify(await db.idempotencyRecord.findMany());
    const pages = await Promise.all(['/', '/history', '/api/v2/summary.json', '/history.atom'].map(async (p) => (await fetch(`${site.url}${p}`)).text()));
    for (const secret of secrets) {
      expect(audit).not.toContain(secret);
      expect(stored).not.toContain(secret);
      expect(site.output()).not.toContain(secret);
      for (const page of pages) expect(page).not.toContain(secret);
    }
    expect(audit).toContain(`api-key:${keys.editor.prefix}`);
    // Used keys carry when they were last used; the revoked one never got through.
    const rows = await db.apiKey.findMany();
    expect(rows.find((r) => r.prefix === keys.editor.prefix)!.lastUsedAt).not.toBeNull();
    expect(rows.find((r) => r.prefix === keys.revoked.prefix)!.lastUsedAt).toBeNull();
  });
});


describe('OpenAPI description', () => {
  it('describes the write API with a bearer scheme, and its answers conform to it', async () => {
    const spec = await v2('/api/v2/openapi.json');
    expect(spec.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/pages/{page_id}/incidents',
        '/api/v1/pages/{page_id}/incidents/{incident_id}',
        '/api/v1/pages/{page_id}/components',
        '/api/v1/pages/{page_id}/components/{component_id}',
        '/api/v1/pages/{page_id}/components/{component_id}/status',
      ]),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: spec.components });
    const validate = (name: string, value: unknown) => {
      const check = ajv.getSchema(`openapi.json#/components/schemas/${name}`)!;
      expect(check(value), `${name}: ${JSON.stringify(check.errors)}`).toBe(true);
    };
    for (const incident of (await call('/incidents?lang=en')).body) validate('Incident', incident);
    for (const component of (await call('/components')).body) validate('Component', component);
    validate('ApiError', (await call('/incidents', { json: { incident: { name: 'x', components: { nope: 'major_outage' } } } })).body);
  });
});
