import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';
import { makeRollup } from '../support/rollups';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';

// Webhooks against a local receiver: registration through the form, the signed confirmation
// request, Statuspage-shaped incident and component payloads, a retry after a 500.
let site: RunningSite;
let worker: RunningWorker;
let receiver: Server;
let receiverUrl: string;
let db: TestDatabase;
const token = inject('ingestToken');

interface Received {
  body: string;
  json: Record<string, any>;
  signature: string;
  delivery: string;
  event: string;
  answered: number;
}
const received: Received[] = [];
let failNextIncident = true;

beforeAll(async () => {
  const port = await freePort();
  receiverUrl = `http://127.0.0.1:${port}/hook`;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const event = String(req.headers['x-tayori-event']);
      // The first incident delivery fails, as a receiver being deployed would.
      const answered = event === 'incident' && failNextIncident ? 500 : 204;
      if (answered === 500) failNextIncident = false;
      received.push({ body, json: JSON.parse(body), signature: String(req.headers['x-tayori-signature']), delivery: String(req.headers['x-tayori-delivery']), event, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));

  const isolated = isolatedSite('notices-webhooks');
  db = openDatabase(isolated.DATABASE_URL);
  await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
  const env = { ...isolated, WEBHOOK_ALLOW_LOOPBACK: 'true', NOTICE_TOKEN_SECRET: 'webhooks-secret-0123456789abcdef0123' };
  // The test's own worker (below) is the only one: its webhook retry settings are the test's.
  site = await startSite({ ...env, AUTO_RESOLVE_MINUTES: '600', SMTP_URL: 'smtp://127.0.0.1:9' }, { worker: false });
  worker = startNoticeWorker({ ...env, SITE_URL: site.url, SMTP_URL: 'smtp://127.0.0.1:9', WEBHOOK_RETRY_BASE_SECONDS: '0.2' });
});
afterAll(async () => {
  await worker?.kill();
  await db?.$disconnect();
  await site?.stop();
  await new Promise((r) => receiver?.close(r));
});

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = read();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${received.map((r) => `${r.event}:${r.answered}`).join(', ')}\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// What a receiver does to trust a request (the documented recipe, with node:crypto only).
function verify(secret: string, r: Received): boolean {
  const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature) ?? [];
  if (!t || !v1) return false;
  return createHmac('sha256', secret).update(`${t}.${r.body}`).digest('hex') === v1;
}

let secret = '';
let removalToken = '';

describe('webhooks', () => {
  it('refuses URLs that are not http(s) or that point into private networks, storing nothing', async () => {
    const ftp = await submitForm(`${site.url}/en/subscribe?channel=webhook`, 'webhook-form', [['url', 'ftp://example.com/hook'], ['scope', 'all']]);
    expect(ftp.html).toMatch(/id="webhook-url-error"[^>]*>Enter an http:\/\/ or https:\/\/ URL/);
    for (const url of ['http://10.0.0.5/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:192.168.1.1]/']) {
      const res = await submitForm(`${site.url}/en/subscribe?channel=webhook`, 'webhook-form', [['url', url], ['scope', 'all']]);
      expect(res.html, url).toContain('cannot be sent to local or private network addresses');
    }
    expect(await db.webhookEndpoint.count()).toBe(0);
  });

  it('registers through the form and becomes active only once the signed confirm_url is POSTed to', async () => {
    const res = await submitForm(`${site.url}/subscribe?channel=webhook`, 'webhook-form', [['url', receiverUrl], ['scope', 'all']]);
    secret = /data-testid="webhook-secret">([^<]+)</.exec(res.html)?.[1] ?? '';
    removalToken = /data-testid="webhook-manage-token">([^<]+)</.exec(res.html)?.[1] ?? '';
    expect(secret).toMatch(/^whsec_/);
    const confirmation = await until(() => received.find((r) => r.event === 'confirmation'), 'the confirmation request');
    expect(verify(secret, confirmation)).toBe(true);
    expect(verify('whsec_wrong', confirmation)).toBe(false);
    expect(confirmation.json.type).toBe('subscription_confirmation');
    expect((await db.webhookEndpoint.findFirstOrThrow()).status).toBe('pending');
    // Opening it (GET) changes nothing: chat unfurlers and scanners fetch the URLs they see.
    expect((await fetch(confirmation.json.confirm_url)).status).toBe(200);
    expect((await db.webhookEndpoint.findFirstOrThrow()).status).toBe('pending');
    const confirm = await fetch(confirmation.json.confirm_url, { method: 'POST' });
    expect(await confirm.json()).toEqual({ result: 'confirmed' });
    // Single use: a second POST activates nothing more and says so.
    expect(await (await fetch(confirmation.json.confirm_url, { method: 'POST' })).json()).toEqual({ result: 'already_confirmed' });
  });

  it('POSTs Statuspage-shaped incident and component payloads, signed, retrying after a 500', async () => {
    const base = Math.floor((Date.now() - 5 * 60_000) / 10_000) * 10_000;
    const rollups = [0, 1, 2, 3, 4].map((i) => makeRollup('mx-test', new Date(base + i * 10_000), Array(20).fill(i < 3 ? 2 : 12 * 60)));
    const push = await fetch(`${site.url}/api/ingest/mail-metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ rollups }) });
    expect(push.status).toBe(200);

    const delivered = await until(() => received.find((r) => r.event === 'incident' && r.answered === 204), 'the retried incident webhook');
    const failed = received.find((r) => r.event === 'incident' && r.answered === 500)!;
    expect(failed.delivery).toBe(delivered.delivery); // the same delivery, sent again
    expect(failed.body).toBe(delivered.body);
    expect(verify(secret, delivered)).toBe(true);

    const { meta, page, incident } = delivered.json;
    expect(meta.unsubscribe).toContain('/subscribe');
    expect(page.status_indicator).toBe('minor');
    expect(incident.name).toBe('メール受信の遅延');
    expect(incident.status).toBe('investigating');
    expect(incident.impact).toBe('minor');
    expect(incident.shortlink).toMatch(/\/incidents\/[\w-]+-mail-inbound-delay$/);
    expect(incident.incident_updates).toHaveLength(1);
    expect(incident.incident_updates[0].body).toContain('メール受信に遅延が発生しております');
    // As in Statuspage (and the API), `code` is the component's id.
    expect(incident.incident_updates[0].affected_components).toEqual([{ code: incident.components[0].id, name: 'メール受信', old_status: 'operational', new_status: 'degraded_performance' }]);
    expect(incident.components.map((c: { name: string }) => c.name)).toEqual(['メール受信']);

    const component = await until(() => received.find((r) => r.event === 'component'), 'the component webhook');
    expect(verify(secret, component)).toBe(true);
    expect(component.json.component_update).toMatchObject({ old_status: 'operational', new_status: 'degraded_performance' });
    expect(component.json.component).toMatchObject({ name: 'メール受信' });
  });

  it('logs no listener-leak warning at the default concurrency (every idle lane waits on one signal)', () => {
    expect(worker.output()).toContain('10 at a time');
    expect(worker.output()).not.toContain('MaxListenersExceededWarning');
  });

  it('removes an endpoint with the removal token shown at registration', async () => {
    expect((await fetch(`${site.url}/api/webhooks/remove?token=${'x'.repeat(43)}`, { method: 'POST' })).status).toBe(404);
    const res = await fetch(`${site.url}/api/webhooks/remove?token=${removalToken}`, { method: 'POST' });
    expect(await res.json()).toEqual({ removed: true });
    expect(await db.webhookEndpoint.count()).toBe(0);
  });
});
