// The operator's HTTP interface: token handling, validation errors, scan policy switches with
// their events, mailboxes, the queue summary, /metrics and /healthz.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, startMta, tempDir, type MtaProcess } from './helpers.js';

let mta: MtaProcess;

beforeAll(async () => {
  mta = await startMta();
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

describe('admin API', () => {
  it('/healthz and /metrics need no token; /api/* does', async () => {
    const health = await mta.api('GET', '/healthz', undefined, null);
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', queue_depth: 0, scan_policy: 'enabled', scan_bypassing: false });
    const metrics = await mta.metrics();
    for (const name of ['tayori_mta_queue_messages', 'tayori_mta_queue_oldest_age_seconds', 'tayori_mta_delay_seconds_bucket', 'tayori_mta_messages_accepted_total', 'tayori_mta_scan_policy', 'tayori_mta_process_resident_memory_bytes']) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/^tayori_mta_scan_policy\{policy="enabled"\} 1$/m);
    for (const token of [null, 'wrong-token-wrong-token']) {
      const denied = await mta.api('GET', '/api/queue', undefined, token);
      expect(denied.status).toBe(401);
      expect(denied.json.error).toBe('unauthorized');
    }
  });

  it('answers unknown paths, wrong methods and bad bodies with clear JSON errors', async () => {
    expect((await mta.api('GET', '/api/nothing')).json).toEqual({ error: 'not_found', message: 'no such endpoint: GET /api/nothing' });
    expect((await mta.api('PATCH', '/api/queue')).json).toEqual({ error: 'method_not_allowed', message: 'PATCH is not supported on /api/queue' });
    const noReason = await mta.api('PUT', '/api/scan-policy', { policy: 'bypass' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.message).toBe('reason: Invalid input: expected string, received undefined');
    const badPolicy = await mta.api('PUT', '/api/scan-policy', { policy: 'off', reason: 'x' });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.json.issues[0].field).toBe('policy');
    const invalidJson = await fetch(`http://127.0.0.1:${mta.httpPort}/api/scan-policy`, { method: 'PUT', headers: { authorization: `Bearer ${mta.adminToken}`, 'content-type': 'application/json' }, body: '{"policy":' });
    expect(invalidJson.status).toBe(400);
    expect(await invalidJson.json()).toEqual({ error: 'invalid_json', message: 'the body is not valid JSON' });
    const wrongType = await fetch(`http://127.0.0.1:${mta.httpPort}/api/blocklist`, { method: 'POST', headers: { authorization: `Bearer ${mta.adminToken}`, 'content-type': 'text/plain' }, body: 'client 1.2.3.4' });
    expect(wrongType.status).toBe(415);
    const huge = await fetch(`http://127.0.0.1:${mta.httpPort}/api/blocklist`, { method: 'POST', headers: { authorization: `Bearer ${mta.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'helo', value: 'x'.repeat(100_000) }) });
    expect(huge.status).toBe(413);
  });

  it('switching the scan policy records who, when and why, and shows in /metrics', async () => {
    const put = await mta.api('PUT', '/api/scan-policy', { policy: 'bypass', reason: 'spam flood: scanners overloaded', actor: 'tanaka' });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ changed: true, policy: 'bypass', bypassing: true });
    const again = await mta.api('PUT', '/api/scan-policy', { policy: 'bypass', reason: 'again', actor: 'tanaka' });
    expect(again.json.changed).toBe(false);
    const get = await mta.api('GET', '/api/scan-policy');
    expect(get.json).toMatchObject({ policy: 'bypass', bypassing: true, auto: { bypass_age_s: 300, resume_age_s: 30 } });
    expect(get.json.events).toHaveLength(1);
    expect(get.json.events[0]).toMatchObject({ kind: 'scan_policy', actor: 'tanaka', reason: 'spam flood: scanners overloaded', detail: { from: 'enabled', to: 'bypass' } });
    expect(Date.parse(get.json.events[0].at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await mta.metrics()).toMatch(/^tayori_mta_scan_bypassing 1$/m);
    await mta.api('PUT', '/api/scan-policy', { policy: 'enabled', reason: 'flood over', actor: 'tanaka' });
    const events = await mta.api('GET', '/api/events?kind=scan_policy');
    expect(events.json.events.map((e: { detail: { to: string } }) => e.detail.to)).toEqual(['enabled', 'bypass']);
  });

  it('lists hosted mailboxes and adds one that then accepts mail', async () => {
    const list = await mta.api('GET', '/api/mailboxes');
    expect(list.json.domains).toEqual([{ name: DEMO, verify_recipients: true, mailboxes: ['canary', 'info', 'support', 'user1', 'user2', 'user3'] }]);
    const { smtp } = await openSession(mta.smtpPort);
    await smtp.command('MAIL FROM:<a@example.org>');
    expect(await smtp.command(`RCPT TO:<newbie@${DEMO}>`)).toMatch(/^550 5\.1\.1 /);
    expect((await mta.api('POST', '/api/mailboxes', { address: `Newbie@${DEMO}` })).status).toBe(201);
    expect(await smtp.command(`RCPT TO:<newbie@${DEMO}>`)).toBe('250 2.1.5 Accepted');
    smtp.close();
    expect((await mta.api('POST', '/api/mailboxes', { address: 'x@not-hosted.example' })).status).toBe(404);
    expect((await mta.api('POST', '/api/mailboxes', { address: '../etc@demo.tayori.test' })).status).toBe(400);
  });

  it('queue summary and flush answer with counts', async () => {
    const queue = await mta.api('GET', '/api/queue');
    expect(queue.status).toBe(200);
    expect(queue.json).toMatchObject({ depth: 0, oldest_age_s: 0, messages: [], quarantined: [], refused_as_spam: [] });
    const flush = await mta.api('POST', '/api/flush');
    expect(flush.json).toEqual({ flushed: 0 });
  });
});

describe('admin token', () => {
  it('is generated on first start when unset, stored with mode 0600, and never printed: the log says where it is', async () => {
    const dataDir = tempDir('token');
    const first = await startMta({ dataDir, env: { MTA_ADMIN_TOKEN: '' } });
    const file = path.join(dataDir, 'mta', 'admin-token');
    const token = fs.readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.output()).not.toContain(token);
    expect(first.output()).toContain(`admin API token: generated in ${file}`);
    expect((await first.api('GET', '/api/queue', undefined, token)).status).toBe(200);
    expect(await first.stop()).toBe(0);
    const second = await startMta({ dataDir, env: { MTA_ADMIN_TOKEN: '' } });
    expect(second.output()).not.toContain(token);
    expect(second.output()).toContain(`admin API token: read from ${file}`);
    expect((await second.api('GET', '/api/queue', undefined, token)).status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it('a bad configuration value stops start-up with a message naming the variable', async () => {
    await expect(startMta({ env: { MTA_SCAN_POLICY: 'sometimes' } })).rejects.toThrow(/MTA_SCAN_POLICY/);
  });
});
