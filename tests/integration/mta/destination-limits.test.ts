// Per-destination limits of the outbound relay (docs/mta.md, "Per-destination limits"): a notice
// fan-out must not hit one large provider with everything at once, must reuse its sessions, and a
// provider that throttles is left alone for a while with all its mail, while the mail for the other
// providers keeps flowing. Local SMTP servers play the providers; MTA_TRANSPORT_MAP routes each
// provider's domain to its own server, the way Postfix's transport_maps would.
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { startMta, SUBMISSION_USER, submissionPassword, waitFor, type MtaProcess } from './helpers.js';
import { startProviderSink, type ProviderSink } from './provider-sink.js';

const started: Array<{ stop: () => Promise<unknown> }> = [];

afterAll(async () => {
  // The MTA first: its pooled sessions end with it, so the sinks can close at once.
  for (const s of started.reverse()) await s.stop();
});

async function mta(env: Record<string, string>): Promise<MtaProcess> {
  const m = await startMta({ env: { MTA_BACKOFF_MIN_S: '1', MTA_BACKOFF_MAX_S: '2', ...env } });
  started.push(m);
  return m;
}

async function sink(perMessageMs = 0): Promise<ProviderSink> {
  const s = await startProviderSink({ perMessageMs });
  started.push(s);
  return s;
}

/** Submits one message per recipient, as the notice worker does, all at once. */
async function submit(m: MtaProcess, recipients: string[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: m.smtpPort, ignoreTLS: true, pool: true, maxConnections: 4, maxMessages: Infinity, auth: { user: SUBMISSION_USER, pass: submissionPassword(m.dataDir) } });
  try {
    await Promise.all(recipients.map((to, i) => transport.sendMail({ from: 'status@tayori.test', to, subject: `notice ${i}`, text: `notice to ${to}\n` })));
  } finally {
    transport.close();
  }
}

const addresses = (domain: string, n: number) => Array.from({ length: n }, (_, i) => `subscriber${i}@${domain}`);

describe('one destination', () => {
  it('gets at most MTA_DESTINATION_CONCURRENCY sessions at once, each carrying several messages', async () => {
    const provider = await sink(150);
    const m = await mta({ SMTP_RELAY_URL: `smtp://127.0.0.1:${provider.port}`, MTA_DESTINATION_CONCURRENCY: '3' });
    await submit(m, addresses('gmail.test', 40));
    await waitFor('40 messages at the smarthost', () => provider.received.length === 40, 30_000, 50);
    expect(provider.maxConcurrent).toBeLessThanOrEqual(3);
    // It did use the sessions it may have: the limit is not a crawl.
    expect(provider.maxConcurrent).toBeGreaterThan(1);
    expect(provider.sessions).toBeLessThanOrEqual(6);
  });
});

describe('several providers, one of them throttling', () => {
  it('holds the throttling one with all its mail while the others get theirs on time, and delivers its mail once it accepts again', async () => {
    const gmail = await sink(20);
    const docomo = await sink(20);
    const yahoo = await sink(20);
    yahoo.throttle(true);
    const RATE_DELAY_MS = 150;
    const m = await mta({
      MTA_TRANSPORT_MAP: `gmail.test=smtp://127.0.0.1:${gmail.port},docomo.ne.test=smtp://127.0.0.1:${docomo.port},yahoo.test=smtp://127.0.0.1:${yahoo.port}`,
      MTA_DESTINATION_CONCURRENCY: '4',
      MTA_DESTINATION_RATE_DELAY_MS: String(RATE_DELAY_MS),
      MTA_DESTINATION_FAILURE_LIMIT: '2',
      MTA_DESTINATION_BACKOFF_S: '8',
    });
    const submitted = Date.now();
    await submit(m, [...addresses('yahoo.test', 10), ...addresses('gmail.test', 10), ...addresses('docomo.ne.test', 10)]);

    // The others are served in full while yahoo refuses: its mail holds up nobody's.
    await waitFor('gmail and docomo to have all their mail', () => gmail.received.length === 10 && docomo.received.length === 10, 20_000, 20);
    const othersDone = Date.now();
    expect(yahoo.received).toEqual([]);
    expect(othersDone - submitted).toBeLessThan(6_000);

    // Held: /metrics and the admin API say so, and yahoo sees no new attempts for the hold.
    await waitFor('yahoo to be held', async () => /tayori_mta_destination_held_seconds\{destination="127\.0\.0\.1:\d+"\} [1-9]/.test(await m.metrics()), 10_000, 50);
    const metrics = await m.metrics();
    const heldFor = Number(new RegExp(`tayori_mta_destination_held_seconds\\{destination="${yahoo.destination}"\\} ([\\d.]+)\\n`).exec(metrics)?.[1]);
    expect(heldFor).toBeGreaterThan(0);
    expect(heldFor).toBeLessThanOrEqual(8);
    expect(metrics).toMatch(new RegExp(`tayori_mta_destination_consecutive_failures\\{destination="${yahoo.destination}"\\} [2-9]\\n`));
    expect(metrics).toMatch(new RegExp(`tayori_mta_destination_consecutive_failures\\{destination="${gmail.destination}"\\} 0\\n`));
    const queue = await m.api('GET', '/api/queue');
    const held = queue.json.destinations.find((d: { destination: string }) => d.destination === yahoo.destination);
    expect(held).toMatchObject({ active: 0, probing: false });
    expect(held.held_until).not.toBeNull();
    expect(held.consecutive_failures).toBeGreaterThanOrEqual(2);
    const attemptsWhileThrottled = yahoo.refused + yahoo.sessions;
    // Two failures hold it (more may have been on their way at the time), not one try per message
    // and again every second as each message's own backoff comes round.
    expect(attemptsWhileThrottled).toBeLessThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(yahoo.refused + yahoo.sessions).toBe(attemptsWhileThrottled);

    // It accepts again: after the hold every message reaches it, one probe first, then the rest.
    yahoo.throttle(false);
    await waitFor('yahoo to have all its mail', () => yahoo.received.length === 10, 20_000, 50);
    expect(new Set(yahoo.received.map((r) => r.to))).toEqual(new Set(addresses('yahoo.test', 10)));
    expect((await m.api('GET', '/api/queue')).json.depth).toBe(0);

    // Sessions were reused: fewer connections than messages at every provider.
    expect(gmail.sessions).toBeLessThan(10);
    expect(docomo.sessions).toBeLessThan(10);
    expect(yahoo.sessions).toBeLessThan(10);

    // The rate delay spaced the deliveries to each provider. Arrival times are measured, not the
    // starts, so the spread is what is asserted (a new session's set-up delays one arrival towards the next).
    for (const provider of [gmail, docomo, yahoo]) {
      const times = provider.received.map((r) => r.at).sort((a, b) => a - b);
      const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
      const name = `${provider === yahoo ? 'yahoo' : provider === gmail ? 'gmail' : 'docomo'}: ${gaps.join(' ')}`;
      expect(times.at(-1)! - times[0]!, name).toBeGreaterThanOrEqual(8 * RATE_DELAY_MS);
      expect(gaps[Math.floor(gaps.length / 2)], name).toBeGreaterThanOrEqual(RATE_DELAY_MS - 20);
    }
    // …but not across providers: gmail's and docomo's mail arrived interleaved, at the same time.
    const firstDocomo = Math.min(...docomo.received.map((r) => r.at));
    const lastGmail = Math.max(...gmail.received.map((r) => r.at));
    expect(firstDocomo).toBeLessThan(lastGmail);
  });
});

describe('a destination that stays down', () => {
  it('does not keep its waiting mail past the queue lifetime: each message bounces with 4.4.7 without another attempt', async () => {
    const dead = await sink();
    dead.throttle(true);
    const m = await mta({
      MTA_TRANSPORT_MAP: `gone.test=smtp://127.0.0.1:${dead.port}`,
      MTA_DESTINATION_CONCURRENCY: '1',
      MTA_DESTINATION_FAILURE_LIMIT: '1',
      MTA_DESTINATION_BACKOFF_S: '120',
      MTA_MAX_QUEUE_LIFETIME_S: '4',
    });
    await submit(m, addresses('gone.test', 5));
    await waitFor('the queue to let go of the mail', async () => (await m.api('GET', '/api/queue')).json.depth === 0, 20_000, 200);
    const bounced = m.output().split('\n').filter((l) => /status=bounced \(message delivery time expired/.test(l));
    expect(bounced.join('\n')).toMatch(/subscriber0@gone\.test/);
    expect(new Set(bounced.flatMap((l) => l.match(/subscriber\d@gone\.test/g) ?? [])).size).toBe(5);
    // Held after the first failure: the others were never tried.
    expect(dead.refused + dead.sessions).toBe(1);
  });
});

