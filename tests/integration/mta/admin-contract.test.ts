// The admin API keeps its contract (contracts/mta-admin-api.ts): every endpoint of a real MTA is
// called, with mail waiting, held and refused so that no list is empty, and every answer, errors
// included, is checked against the schema the console's client parses it with. An answer with a
// field the contract does not describe fails too: the contract is the whole answer.
import { isDeepStrictEqual } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { errorBody, mtaAdminApi, pathOf, type EndpointName } from '#contracts/mta-admin-api';
import { EICAR, GTUBE } from '../../../mta/scan/builtin-scanner.js';
import { DEMO, startMta, startSmtpSink, SUBMISSION_USER, submissionPassword, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const answered = new Set<EndpointName>();

beforeAll(async () => {
  // The smarthost defers every recipient, so relayed mail waits in the queue.
  sink = await startSmtpSink({ softFail: 'RCPT' });
  mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`, MTA_BACKOFF_MIN_S: '600' } });
});

afterAll(async () => {
  const code = await mta?.stop();
  await sink?.stop();
  expect(code).toBe(0);
});

/** The schema's reading of `json` and what it left out or added: empty when the contract describes the answer exactly. */
function conformance(schema: z.ZodType, json: unknown) {
  const parsed = schema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  return isDeepStrictEqual(parsed.data, json) ? [] : [`not described by the contract: ${JSON.stringify(json)} read as ${JSON.stringify(parsed.data)}`];
}

async function call(name: EndpointName, input: { params?: Record<string, string | number>; query?: Record<string, string>; body?: unknown } = {}) {
  const spec = mtaAdminApi[name];
  const search = input.query ? `?${new URLSearchParams(input.query)}` : '';
  const answer = await mta.api(spec.method, pathOf(name, input.params) + search, input.body);
  expect(spec.success, `${spec.method} ${spec.path} answered ${answer.status}: ${answer.text}`).toContain(answer.status);
  if (spec.response === 'prometheus-text') {
    expect(answer.text).toMatch(/^# HELP tayori_mta_/m);
  } else {
    expect(conformance(spec.response, answer.json), `${spec.method} ${spec.path}`).toEqual([]);
  }
  answered.add(name);
  return answer;
}

async function failure(method: string, pathname: string, body?: unknown, token?: string | null) {
  const answer = await mta.api(method, pathname, body, token);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(conformance(errorBody, answer.json), `${method} ${pathname}`).toEqual([]);
  return answer;
}

function submitter() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true, auth: { user: SUBMISSION_USER, pass: submissionPassword(mta.dataDir) } });
}

describe('the admin API contract', () => {
  it('answers every endpoint as the contract says, with mail waiting, quarantined and refused', async () => {
    const inbound = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true });
    const submitted: Array<{ messageId: string }> = [];
    for (const n of [1, 2]) submitted.push(await submitter().sendMail({ from: `info@${DEMO}`, to: `customer${n}@example.com`, subject: 'Status update', text: 'x' }));
    await inbound.sendMail({ from: 'promo@example.net', to: `user3@${DEMO}`, subject: 'gtube', text: GTUBE });
    await inbound.sendMail({ from: 'virus@example.net', to: `user1@${DEMO}`, subject: 'invoice', text: 'see attachment', attachments: [{ filename: 'invoice.com', content: EICAR }] });
    const queue = await waitFor('deferred, quarantined and refused mail', async () => {
      const { json } = await call('queue', { query: { limit: '50' } });
      const deferred = json.messages.filter((m: { state: string }) => m.state === 'deferred');
      return deferred.length === 2 && json.quarantined.length === 1 && json.refused_as_spam.length === 1 ? json : undefined;
    });
    expect(queue.top_sources.client_ips).toEqual([{ client_ip: '127.0.0.1', queued: 2 }]);
    expect((await call('health')).json).toMatchObject({ status: 'ok', queue_depth: 2 });
    await call('metrics');
    const traced = await call('traceMessage', { body: { message_id: submitted[0]!.messageId, recipient: 'Customer1@example.com' } });
    expect(traced.json).toMatchObject({ found: true, stage: 'deferred', deferral: { reason: 'receiver_deferred', attempts: 1 } });
    expect((await call('traceMessage', { body: { message_id: submitted[0]!.messageId, recipient: 'customer2@example.com' } })).json).toEqual({ found: false });

    const [first, second] = queue.messages as Array<{ id: string }>;
    expect((await call('deleteMessage', { params: { id: first!.id }, query: { actor: 'ops' } })).json).toEqual({ deleted: first!.id });
    expect((await call('bounceMessage', { params: { id: second!.id }, body: { reason: 'the domain no longer exists', actor: 'ops' } })).json).toEqual({ bounced: second!.id });
    const flushed = await call('flush', { body: { actor: 'ops' } });
    expect(flushed.json.flushed).toBeGreaterThanOrEqual(0);

    const added = await call('block', { body: { kind: 'client', value: '198.51.100.0/24', reason: 'flood', actor: 'ops', expires_in_minutes: 60 } });
    expect(added.status).toBe(201);
    expect((await call('block', { body: { kind: 'client', value: '198.51.100.0/24', actor: 'ops' } })).json.created).toBe(false);
    expect((await call('blocklist')).json.entries).toHaveLength(1);
    expect((await call('unblock', { params: { id: added.json.entry.id }, query: { actor: 'ops' } })).json.removed.value).toBe('198.51.100.0/24');

    expect((await call('setScanPolicy', { body: { policy: 'auto', reason: 'flood drill', actor: 'ops' } })).json).toMatchObject({ changed: true, policy: 'auto' });
    expect((await call('scanPolicy')).json.events[0]).toMatchObject({ kind: 'scan_policy', actor: 'ops', reason: 'flood drill' });

    expect((await call('putDomain', { params: { name: 'Shop.Tayori.Test' }, body: { verify_recipients: true, actor: 'ops' } })).json).toEqual({ name: 'shop.tayori.test', verify_recipients: true, mailboxes: [] });
    expect((await call('addMailbox', { body: { address: 'sales@shop.tayori.test', actor: 'ops' } })).status).toBe(201);
    expect((await call('setMailboxPassword', { params: { address: 'sales@shop.tayori.test' }, body: { password: 'correct horse battery staple', actor: 'ops' } })).json).toEqual({ address: 'sales@shop.tayori.test', smtp_auth: true });
    expect((await call('mailboxes')).json.domains.map((d: { name: string }) => d.name)).toEqual([DEMO, 'shop.tayori.test']);
    const events = await call('events', { query: { limit: '100' } });
    expect(new Set(events.json.events.map((e: { kind: string }) => e.kind))).toEqual(new Set(['queue', 'flush', 'blocklist', 'scan_policy', 'domain', 'mailbox']));
    expect((await call('events', { query: { kind: 'queue' } })).json.events).toHaveLength(2);

    expect(Object.keys(mtaAdminApi).filter((name) => !answered.has(name as EndpointName))).toEqual([]);
  });

  it('answers what the route table does not have with 404, and a wrong method on a path it has with 405 naming the allowed ones', async () => {
    expect((await failure('GET', '/api/nowhere')).status).toBe(404);
    expect((await failure('DELETE', '/api/queue/lowercase-is-no-queue-id')).status).toBe(404);
    expect((await failure('GET', '/nowhere', undefined, null)).status).toBe(404);
    const samples: Record<string, Record<string, string>> = { deleteMessage: { id: 'ABC' }, bounceMessage: { id: 'ABC' }, unblock: { id: '1' }, setMailboxPassword: { address: `info@${DEMO}` }, putDomain: { name: DEMO } };
    for (const name of Object.keys(mtaAdminApi) as EndpointName[]) {
      const spec = mtaAdminApi[name];
      const path = pathOf(name, samples[name]);
      const allowed = Object.values(mtaAdminApi).filter((other) => other.path === spec.path).map((other) => other.method);
      const response = await fetch(`http://127.0.0.1:${mta.httpPort}${path}`, { method: 'PATCH', headers: { authorization: `Bearer ${mta.adminToken}` } });
      expect(response.status, `PATCH ${path}`).toBe(405);
      expect(response.headers.get('allow')?.split(', ').sort()).toEqual(allowed.sort());
      expect(conformance(errorBody, await response.json())).toEqual([]);
    }
  });

  it('answers refusals with the contract\'s error body', async () => {
    expect((await failure('GET', '/api/queue', undefined, null)).json.error).toBe('unauthorized');
    const invalid = await failure('POST', '/api/blocklist', { kind: 'asn', value: 'x', actor: 'auto' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.issues.map((i: { field: string }) => i.field)).toEqual(['kind', 'actor']);
    expect((await failure('POST', '/api/queue/NOSUCHID/bounce', {})).status).toBe(404);
    const badTrace = await failure('POST', '/api/trace', { message_id: 'not a message id', recipient: 'nobody' });
    expect(badTrace.status).toBe(400);
    expect(badTrace.json.issues.map((i: { field: string }) => i.field)).toEqual(['message_id', 'recipient']);
    expect((await failure('PUT', '/api/mailboxes/nobody@nowhere.test/password', { password: 'correct horse battery staple' })).status).toBe(404);
    expect((await failure('DELETE', '/api/blocklist/999999')).status).toBe(404);
    const wrongType = await fetch(`http://127.0.0.1:${mta.httpPort}/api/flush`, { method: 'POST', headers: { authorization: `Bearer ${mta.adminToken}`, 'content-type': 'text/plain' }, body: 'now' });
    expect(wrongType.status).toBe(415);
    expect(conformance(errorBody, await wrongType.json())).toEqual([]);
  });
});
