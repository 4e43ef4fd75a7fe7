import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A stand-in MTA that answers whatever the test says: the console's client must read answers by
// the admin API's contract and say clearly when one does not fit it.
let answer: { status: number; body: unknown } = { status: 200, body: {} };
const requests: Array<{ method: string; url: string; body: string }> = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    requests.push({ method: req.method!, url: req.url!, body });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
});
let client: typeof import('./admin-client');

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.MTA_ADMIN_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.MTA_ADMIN_TOKEN = 'client-test-token-0123456789';
  client = await import('./admin-client');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the console\'s MTA admin client', () => {
  it('sends what the contract describes and returns the answer it reads', async () => {
    answer = { status: 200, body: { bounced: 'A1B2C3' } };
    expect(await client.mta.bounceMessage('A1B2C3', 'no such domain', 'ops@example.com')).toEqual({ bounced: 'A1B2C3' });
    expect(requests.at(-1)).toEqual({ method: 'POST', url: '/api/queue/A1B2C3/bounce', body: JSON.stringify({ reason: 'no such domain', actor: 'ops@example.com' }) });
    answer = { status: 200, body: { removed: { id: 7, kind: 'client', value: '192.0.2.1', reason: null, created_at: '2026-12-01T00:00:00.000Z', created_by: 'auto', expires_at: null } } };
    await client.mta.unblock(7, 'ops@example.com');
    expect(requests.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/blocklist/7?actor=ops%40example.com' });
  });

  it('refuses an answer that does not fit the contract, naming the field', async () => {
    // An MTA that calls the pending recipients something else.
    answer = { status: 200, body: { depth: 1, by_state: {}, oldest_age_s: 3, oldest_scan_wait_s: 0, top_sources: { client_ips: [], sender_domains: [] }, quarantined: [], refused_as_spam: [], messages: [{ id: 'A1', state: 'deferred', from: 'a@example.org', recipients: ['b@example.net'], client_ip: '192.0.2.1', size: 10, age_s: 3, attempts: 1, next_attempt_at: null, last_error: null }] } };
    const error = await client.mta.queue().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.MtaError);
    expect(error).toMatchObject({ status: 502, code: 'unexpected_answer' });
    expect((error as Error).message).toContain('messages.0.to');
  });

  it('passes on the MTA\'s own error message and code', async () => {
    answer = { status: 409, body: { error: 'busy', message: 'message A1 is being scanned or delivered right now; try again in a moment' } };
    await expect(client.mta.deleteMessage('A1', 'ops@example.com')).rejects.toMatchObject({ status: 409, code: 'busy', message: 'message A1 is being scanned or delivered right now; try again in a moment' });
  });
});
