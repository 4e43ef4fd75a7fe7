// Ten-second rollups pushed to the status site, against a small HTTP receiver standing in for the
// site's /api/ingest/mail-metrics. When the site is down, rollups wait on disk (even across a
// restart) and arrive later in order, none lost and none twice.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, freePort, openSession, startMta, SUBMISSION_USER, submissionPassword, tempDir, waitFor, type MtaProcess } from './helpers.js';

interface Received {
  auth: string | undefined;
  rollups: Array<Record<string, any>>;
}

/** Plays the site: answers like /api/ingest/mail-metrics, or 503 while "down". */
async function startReceiver(port: number) {
  const requests: Received[] = [];
  const seen = new Set<string>();
  const state = { mode: 'up' as 'up' | 'down' | 'unauthorized' };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (state.mode === 'down') {
        res.writeHead(503).end();
        return;
      }
      if (state.mode === 'unauthorized') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      const parsed = JSON.parse(body) as { rollups: Array<Record<string, any>> };
      requests.push({ auth: req.headers.authorization, rollups: parsed.rollups });
      let accepted = 0;
      for (const r of parsed.rollups) {
        const key = `${r.source}|${r.flow}|${r.window_start}`;
        if (!seen.has(key)) accepted++;
        seen.add(key);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted, duplicates: parsed.rollups.length - accepted }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    state,
    requests,
    all: () => requests.flatMap((r) => r.rollups),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const running: MtaProcess[] = [];
afterAll(async () => {
  for (const m of running) await m.stop();
});

describe('rollups to the status site', () => {
  it('pushes a well-formed rollup every 10 s with the bearer token from data/ingest-token', async () => {
    const sitePort = await freePort();
    const site = await startReceiver(sitePort);
    const dataDir = tempDir('rollup');
    const mta = await startMta({ dataDir, env: { MTA_ROLLUP_PUSH: 'on', SITE_URL: `http://127.0.0.1:${sitePort}`, MTA_SOURCE_ID: 'mx-test-1' } });
    running.push(mta);
    // No INGEST_TOKEN: the MTA created the shared token file the site also reads.
    const tokenFile = path.join(dataDir, 'ingest-token');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);

    await nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true }).sendMail({ from: 'a@example.org', to: `user1@${DEMO}`, subject: 'rollup', text: 'x' });
    const { smtp } = await openSession(mta.smtpPort);
    await smtp.command('MAIL FROM:<a@example.org>');
    expect(await smtp.command(`RCPT TO:<ghost@${DEMO}>`)).toMatch(/^550 5\.1\.1/);
    smtp.close();

    const rollup = await waitFor('a rollup with a delivery', () => site.all().find((r) => r.delivered >= 1), 30_000);
    expect(site.requests[0]!.auth).toBe(`Bearer ${token}`);
    expect(Object.keys(rollup).sort()).toEqual(['accepted', 'bounced', 'deferred', 'delay_histogram', 'delay_max_s', 'delay_p50_s', 'delay_p95_s', 'delivered', 'oldest_age_s', 'queue_depth', 'rejected', 'scan_bypassing', 'scan_policy', 'source', 'stage_p95_s', 'window_seconds', 'window_start', 'flow', 'waiting_histogram', 'destination_histogram', 'top_destinations', 'domains', 'scanned', 'scan_ahead'].sort());
    // The hosted domain's own delay rides along (issue 16): delivered once, nothing waiting.
    expect(rollup.domains).toEqual([expect.objectContaining({ domain: DEMO, delivered: 1, waiting: 0 })]);
    // Mail for a hosted mailbox is inbound; the same window has an outbound rollup, empty.
    expect(rollup.flow).toBe('inbound');
    const outbound = site.all().find((r) => r.flow === 'outbound' && r.window_start === rollup.window_start);
    expect(outbound).toMatchObject({ delivered: 0, queue_depth: 0, accepted: 0, rejected: {} });
    expect(rollup.source).toBe('mx-test-1');
    expect(rollup.window_seconds).toBe(10);
    expect(Date.parse(rollup.window_start) % 10_000).toBe(0);
    expect(rollup.delivered).toBe(1);
    expect(rollup.delay_p50_s).toBeGreaterThanOrEqual(0);
    expect(rollup.delay_max_s).toBeGreaterThanOrEqual(rollup.delay_p95_s);
    expect(rollup.delay_histogram.bounds).toEqual([1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600, 5400, 7200]);
    expect(rollup.delay_histogram.counts).toHaveLength(15);
    expect(rollup.delay_histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(Object.keys(rollup.stage_p95_s).sort()).toEqual(['deliver', 'queue', 'receive', 'scan']);
    expect(rollup).toMatchObject({ scan_policy: 'enabled', scan_bypassing: false, queue_depth: 0 });
    await waitFor('the rejection and the acceptance to be reported', () => {
      const got = site.all();
      const rejected = got.reduce((sum, r) => sum + (r.rejected.unknown_user ?? 0), 0);
      const accepted = got.reduce((sum, r) => sum + r.accepted, 0);
      return rejected === 1 && accepted === 1;
    }, 15_000);
    await site.close();
  });

  it('counts mail that cannot leave in the outbound flow only, with its destination and reason', async () => {
    const sitePort = await freePort();
    const site = await startReceiver(sitePort);
    const mta = await startMta({ env: { MTA_ROLLUP_PUSH: 'on', SITE_URL: `http://127.0.0.1:${sitePort}`, MTA_SOURCE_ID: 'mx-test-3', INGEST_TOKEN: 'ingest-token-for-tests-0123456789', MTA_BACKOFF_MIN_S: '600' } });
    running.push(mta);
    // Logged in as the site is, with the submission credential: loopback is not a trusted network.
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true, auth: { user: SUBMISSION_USER, pass: submissionPassword(mta.dataDir) } });
    // A subscription confirmation to a domain whose MX cannot be found: deferred, retried for days.
    await transport.sendMail({ from: `status@${DEMO}`, to: 'new-subscriber@nowhere.invalid', subject: 'Confirm', text: 'x' });
    await transport.sendMail({ from: 'a@example.org', to: `user2@${DEMO}`, subject: 'hello', text: 'x' });

    const stuck = await waitFor('an outbound rollup with the deferred message', () => site.all().find((r) => r.flow === 'outbound' && r.queue_depth === 1 && r.top_destinations.length === 1), 40_000, 500);
    expect(stuck.top_destinations[0]).toMatchObject({ domain: 'nowhere.invalid', waiting: 1 });
    expect(stuck.top_destinations[0].last_error).toMatch(/Name service error for name=nowhere\.invalid/);
    expect(stuck.waiting_histogram.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(stuck.destination_histogram.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(site.all().filter((r) => r.flow === 'outbound').reduce((n, r) => n + r.deferred, 0)).toBeGreaterThanOrEqual(1);
    // Inbound: the hosted mailbox's message was delivered and nothing of it waits.
    const inbound = site.all().filter((r) => r.flow === 'inbound');
    expect(inbound.reduce((n, r) => n + r.delivered, 0)).toBe(1);
    expect(inbound.every((r) => r.deferred === 0)).toBe(true);
    const sameWindow = inbound.find((r) => r.window_start === stuck.window_start);
    expect(sameWindow).toMatchObject({ queue_depth: 0, oldest_age_s: 0, top_destinations: [] });
    await site.close();
  });

  it('keeps rollups on disk while the site is down, across a restart, and delivers them later in order', async () => {
    const sitePort = await freePort();
    const site = await startReceiver(sitePort);
    site.state.mode = 'down';
    const dataDir = tempDir('outbox');
    const env = { MTA_ROLLUP_PUSH: 'on', SITE_URL: `http://127.0.0.1:${sitePort}`, MTA_SOURCE_ID: 'mx-test-2', INGEST_TOKEN: 'ingest-token-for-tests-0123456789' };
    const first = await startMta({ dataDir, env });
    // Two windows, each with an inbound and an outbound rollup.
    await waitFor('two windows of rollups in the outbox', async () => {
      const m = /^tayori_mta_rollup_outbox (\d+)$/m.exec(await first.metrics());
      return Number(m?.[1] ?? 0) >= 4;
    }, 40_000, 500);
    expect(first.output()).toMatch(/status site answered 503; rollups kept in the outbox/);
    expect(await first.stop()).toBe(0);
    const restartedAt = Date.now();

    site.state.mode = 'unauthorized';
    const second = await startMta({ dataDir, env });
    running.push(second);
    await waitFor('the 401 to be logged', () => second.output().includes('status site refused the ingest token (401)'), 30_000, 500);
    expect(site.requests).toHaveLength(0);

    site.state.mode = 'up';
    const all = await waitFor('the backlog to arrive', () => {
      const got = site.all().filter((r) => r.flow === 'inbound');
      return got.length >= 3 ? got : undefined;
    }, 30_000, 500);
    const starts = all.map((r) => Date.parse(r.window_start as string));
    // Each window comes with both flows.
    const outboundStarts = new Set(site.all().filter((r) => r.flow === 'outbound').map((r) => Date.parse(r.window_start as string)));
    expect(starts.filter((t) => !outboundStarts.has(t))).toEqual([]);
    // The windows from before the restart made it, and everything came in order, each window once.
    expect(starts.filter((t) => t + 10_000 <= restartedAt).length).toBeGreaterThanOrEqual(2);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(new Set(starts).size).toBe(starts.length);
    expect(all.every((r) => r.source === 'mx-test-2')).toBe(true);
    expect(site.requests[0]!.auth).toBe('Bearer ingest-token-for-tests-0123456789');
    await waitFor('the outbox to empty', async () => /^tayori_mta_rollup_outbox 0$/m.test(await second.metrics()), 20_000, 500);
    await site.close();
  });
});
