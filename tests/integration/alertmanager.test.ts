import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../lib/api-keys/key';
import { openDatabase, type TestDatabase } from '../support/database';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';
import { createStaff, PASSWORD, request, signIn } from './security/client';

// Prometheus Alertmanager (Debian's prometheus-alertmanager) started by the test, fed alerts
// through its own API, notifying the site's webhook receiver with an API key: the statuses,
// automatic incidents and notices that follow come from the worker's rules, as in production.

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const hasAlertmanager = spawnSync(ALERTMANAGER, ['--version']).status === 0;
const skipReason = hasAlertmanager ? '' : ' (skipped: needs prometheus-alertmanager, which scripts/ci/install-mail-tools.sh installs)';

let site: RunningSite;
let db: TestDatabase;
let alertmanager: ChildProcess | undefined;
let alertmanagerUrl = '';
let alertmanagerLog = '';
let workDir = '';
let key = '';
let dnsOnlyKey = '';

async function createKey(name: string, componentSlugs: string[] = []): Promise<string> {
  const generated = generateApiKey();
  const components = await db.component.findMany({ where: { slug: { in: componentSlugs } }, select: { id: true } });
  await db.apiKey.create({
    data: {
      name,
      prefix: generated.prefix,
      keyHash: generated.keyHash,
      role: 'editor',
      scoped: componentSlugs.length > 0,
      createdByEmail: 'test@example.test',
      components: { create: components.map((c) => ({ componentId: c.id })) },
    },
  });
  return generated.key;
}

async function startAlertmanager(receiverUrl: string, credentials: string) {
  workDir = mkdtempSync(path.join(tmpdir(), 'tayori-alertmanager-'));
  const config = path.join(workDir, 'alertmanager.yml');
  // As the README tells operators, with waits shortened for the test.
  writeFileSync(
    config,
    [
      'route:',
      '  receiver: tayori',
      "  group_by: ['alertname']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: tayori',
      '    webhook_configs:',
      `      - url: ${receiverUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials: ${credentials}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  alertmanager = spawn(ALERTMANAGER, [`--config.file=${config}`, `--storage.path=${path.join(workDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alertmanager.stdout!.on('data', (d) => (alertmanagerLog += d));
  alertmanager.stderr!.on('data', (d) => (alertmanagerLog += d));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (alertmanager.exitCode !== null) throw new Error(`alertmanager exited:\n${alertmanagerLog}`);
    try {
      if ((await fetch(`${alertmanagerUrl}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`alertmanager did not become ready:\n${alertmanagerLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

/** Alerts as Prometheus posts them to Alertmanager (its API v2). */
async function fire(alerts: PostedAlert[]) {
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  expect(res.status, await res.text()).toBe(200);
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}\n--- alertmanager:\n${alertmanagerLog.slice(-3000)}\n--- worker:\n${site.workerOutput().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const component = (slug: string) => db.component.findUniqueOrThrow({ where: { slug }, select: { id: true, status: true, overrideStatus: true } });
const autoIncidentOf = async (slug: string) => {
  const { id } = await component(slug);
  return db.incident.findFirst({ where: { source: 'auto', autoComponentId: id }, include: { updates: { orderBy: [{ displayAt: 'asc' }, { createdAt: 'asc' }] } } });
};

function receive(body: unknown, authorization: string | null = `Bearer ${key}`) {
  return fetch(`${site.url}/api/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const webhookAlert = (labels: Record<string, string>, fingerprint: string, over: Partial<{ status: string; startsAt: string; endsAt: string }> = {}) => ({
  status: 'firing',
  labels,
  annotations: { summary: 'staff-only summary' },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: '0001-01-01T00:00:00Z',
  fingerprint,
  ...over,
});
const notification = (alerts: unknown[]) => ({ version: '4', status: 'firing', receiver: 'tayori', groupKey: '{}:{}', alerts });

beforeAll(async () => {
  if (!hasAlertmanager) return;
  const isolated = isolatedSite('alertmanager');
  db = openDatabase(isolated.DATABASE_URL);
  key = await createKey('alertmanager');
  dnsOnlyKey = await createKey('dns only', ['dns']);
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '1' });
  await startAlertmanager(`${site.url}/api/alertmanager`, key);
}, 120_000);
afterAll(async () => {
  alertmanager?.kill('SIGTERM');
  await db?.$disconnect();
  await site?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});


describe.skipIf(!hasAlertmanager)('Prometheus Alertmanager drives component statuses' + skipReason, () => {
  it('turns components major (critical) and degraded (warning), one notification grouping two components', async () => {
    // Staff have set the VPS to maintenance by hand: an alert must not take that over.
    await db.component.update({ where: { slug: 'vps' }, data: { status: 'under_maintenance', overrideStatus: 'under_maintenance' } });
    await fire([
      { labels: { alertname: 'DNSDown', component: 'dns', severity: 'critical', instance: 'ns1.example:53' }, annotations: { summary: 'ns1 does not answer on 53/udp' } },
      { labels: { alertname: 'HostingSlow', component: 'shared-hosting', severity: 'warning' } },
      { labels: { alertname: 'HostingSlow', component: 'dedicated-server', severity: 'warning' } },
      { labels: { alertname: 'VpsDown', component: 'vps', severity: 'critical' } },
    ]);
    await until(() => component('dns'), (c) => c.status === 'major_outage', 'DNS in major outage');
    await until(() => component('shared-hosting'), (c) => c.status === 'degraded_performance', 'shared hosting degraded');
    expect((await component('dedicated-server')).status).toBe('degraded_performance');

    // Alertmanager grouped the two HostingSlow alerts into one notification.
    const audits = await db.auditLog.findMany({ where: { action: 'alertmanager.notification' } });
    const details = audits.map((a) => JSON.parse(a.details) as { alerts: number; applied: number });
    expect(details).toContainEqual(expect.objectContaining({ alerts: 2, applied: 2 }));
    // Counts, never the alerts' labels or the key.
    for (const a of audits) {
      expect(a.details).not.toContain('ns1.example');
      expect(a.actorEmail).not.toContain(key);
    }
  }, 60_000);

  it('opens an automatic incident in outage words, with its notice, and never shows the alert to customers', async () => {
    const incident = (await until(() => autoIncidentOf('dns'), (i) => Boolean(i), 'the DNS incident'))!;
    expect(incident.status).toBe('investigating');
    expect(incident.impact).toBe('critical');
    expect(incident.published).toBe(true);
    expect([incident.titleJa, incident.titleEn]).toEqual(['DNSの障害', 'DNS disruption']);
    expect(incident.updates[0].bodyJa).toBe('DNSで障害が発生しております。原因を調査しております。');
    expect(incident.updates[0].bodyEn).toBe('DNS is experiencing an outage. We are investigating.');
    expect(incident.maxDelayMinutes).toBeNull();
    const notice = await until(() => db.notice.findFirst({ where: { incidentId: incident.id, kind: 'incident_opened' } }), (n) => Boolean(n), 'the opening notice');
    for (const text of [notice!.textJa, notice!.textEn, notice!.subjectJa, notice!.subjectEn]) {
      expect(text).not.toContain('DNSDown');
      expect(text).not.toContain('ns1 does not answer');
    }
    const page = await until(async () => (await fetch(`${site.url}/`)).text(), (html) => /data-component="dns" data-status="major_outage"/.test(html), 'the status page');
    expect(page).not.toContain('ns1 does not answer');
    expect(page).not.toContain('DNSDown');

    const hosting = (await autoIncidentOf('shared-hosting'))!;
    expect(hosting.impact).toBe('minor');
    expect(hosting.updates[0].bodyJa).toBe('共用サーバーの動作が不安定になっております。原因を調査しております。');
  });

  it("leaves a staff override alone while the alert fires", async () => {
    const { id } = await component('vps');
    await until(() => db.componentMetricRule.findUnique({ where: { componentId: id } }), (r) => r?.ruleStatus === 'major_outage', "the VPS rule's verdict");
    expect((await component('vps')).status).toBe('under_maintenance');
    expect(await autoIncidentOf('vps')).toBeNull();
  });

  it('shows staff the firing alerts per component with their names and summaries', async () => {
    await createStaff(site, 'oncall@example.test', 'editor');
    const { cookie } = await signIn(site.url, 'oncall@example.test', PASSWORD);
    const page = await request(`${site.url}/admin/alerts`, { headers: { cookie: cookie! } });
    expect(page.status).toBe(200);
    const dns = page.text.slice(page.text.indexOf('data-alerts-component="dns"'));
    expect(dns).toContain('DNSDown');
    expect(dns).toContain('ns1 does not answer on 53/udp');
    expect(page.text).toContain('data-alerts-component="vps"');
    const signedOut = await request(`${site.url}/admin/alerts`);
    expect(signedOut.text).not.toContain('ns1 does not answer');
    expect(signedOut.headers.location ?? '').toContain('/admin/sign-in');
  });

  it('restores the component when the alert is resolved, the incident moving to monitoring', async () => {
    const { id } = await component('dns');
    // A minute of health to leave a state is the rule's default; ten seconds keep the test short.
    await db.componentMetricRule.update({ where: { componentId: id }, data: { leaveAfterS: 10 } });
    await fire([{ labels: { alertname: 'DNSDown', component: 'dns', severity: 'critical', instance: 'ns1.example:53' }, endsAt: new Date().toISOString() }]);
    await until(() => db.componentAlert.findFirst({ where: { componentId: id } }), (a) => a?.status === 'resolved', 'the resolved notification');
    await until(() => component('dns'), (c) => c.status === 'operational', 'DNS operational again');
    const incident = (await until(() => autoIncidentOf('dns'), (i) => i?.status === 'monitoring', 'monitoring'))!;
    expect(incident.updates.at(-1)!.bodyJa).toBe('DNSは復旧しております。引き続き状況を監視しております。');
    expect(incident.updates.at(-1)!.bodyEn).toBe('DNS has recovered. We are monitoring the situation.');
  }, 60_000);
});

describe.skipIf(!hasAlertmanager)('bad notifications get clear answers and store nothing half-way' + skipReason, () => {
  const controlPanel = (labels: Record<string, string> = {}) => ({ alertname: 'PanelDown', component: 'control-panel', severity: 'critical', ...labels });
  const alertsOf = async (slug: string) => db.componentAlert.findMany({ where: { component: { slug } } });

  it('refuses a missing or wrong key', async () => {
    const body = notification([webhookAlert(controlPanel(), 'k1')]);
    const none = await receive(body, null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await receive(body, 'Bearer tyk_' + 'x'.repeat(43))).status).toBe(401);
    expect(await alertsOf('control-panel')).toEqual([]);
  });

  it('answers 200, applying the rest, for unknown components, unlabelled alerts and components out of the key\'s scope', async () => {
    const res = await receive(
      notification([
        webhookAlert(controlPanel({ component: 'no-such-service' }), 'u1'),
        webhookAlert({ alertname: 'NoLabel', severity: 'critical' }, 'u2'),
        webhookAlert(controlPanel({ severity: 'page' }), 'u3'),
      ]),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 1, ignored: [{ fingerprint: 'u1', reason: 'unknown_component' }, { fingerprint: 'u2', reason: 'no_component_label' }] });
    // An unknown severity takes the map's default (*=partial_outage).
    expect((await alertsOf('control-panel')).map((a) => [a.fingerprint, a.level])).toEqual([['u3', 'partial_outage']]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'alertmanager.notification' }, orderBy: { at: 'desc' } });
    expect(JSON.parse(audit.details)).toMatchObject({ alerts: 3, applied: 1, ignored: { unknown_component: 1, no_component_label: 1 }, unknownComponents: ['no-such-service'] });
    expect(site.output()).toContain('unknown components: no-such-service');

    const scoped = await receive(notification([webhookAlert(controlPanel(), 's1')]), `Bearer ${dnsOnlyKey}`);
    expect(await scoped.json()).toEqual({ applied: 0, ignored: [{ fingerprint: 's1', reason: 'component_out_of_scope' }] });
    expect(await db.componentAlert.findUnique({ where: { fingerprint: 's1' } })).toBeNull();
  });

  it('never lets a stale or out-of-order notification override a newer one', async () => {
    const startsAt = new Date(Date.now() - 120_000).toISOString();
    const endsAt = new Date(Date.now() - 30_000).toISOString();
    expect((await receive(notification([webhookAlert(controlPanel(), 'o1', { status: 'resolved', startsAt, endsAt })]))).status).toBe(200);
    // The firing notification of the same episode, arriving after its resolve.
    const late = await receive(notification([webhookAlert(controlPanel(), 'o1', { startsAt })]));
    expect(await late.json()).toEqual({ applied: 0, ignored: [{ fingerprint: 'o1', reason: 'firing_after_resolve' }] });
    // A notification of an older episode.
    const older = await receive(notification([webhookAlert(controlPanel(), 'o1', { startsAt: new Date(Date.now() - 600_000).toISOString() })]));
    expect(await older.json()).toEqual({ applied: 0, ignored: [{ fingerprint: 'o1', reason: 'stale' }] });
    const stored = await db.componentAlert.findUniqueOrThrow({ where: { fingerprint: 'o1' } });
    expect([stored.status, stored.startsAt.toISOString(), stored.endsAt?.toISOString()]).toEqual(['resolved', startsAt, endsAt]);
  });

  it('refuses a body over 1 MB (413) and a malformed payload (422), storing none of its alerts', async () => {
    const big = notification(Array.from({ length: 3000 }, (_, i) => webhookAlert(controlPanel({ padding: 'x'.repeat(400) }), `big${i}`)));
    const tooLarge = await receive(big);
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).error).toContain('larger than 1048576 bytes');

    const malformed = await receive(notification([webhookAlert(controlPanel(), 'm1'), { ...webhookAlert(controlPanel(), 'm2'), startsAt: 'soon' }]));
    expect(malformed.status).toBe(422);
    expect((await malformed.json()).details).toContainEqual({ path: 'alerts.1.startsAt', message: expect.any(String) });
    expect((await receive('{"version":"4",')).status).toBe(400);
    expect(await db.componentAlert.count({ where: { fingerprint: { in: ['big0', 'm1', 'm2'] } } })).toBe(0);
  });
});
