// The 2014 failure and its remedies, replayed with a deliberately slow scanner: a flood from one
// source must not starve other senders (fair scheduling), 'bypass' switches the check off by
// hand, and 'auto' does it by itself while mail waits too long, then switches back.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, readMailbox, startMta, waitFor, type MtaProcess } from './helpers.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
let mta: MtaProcess | undefined;

afterEach(async () => {
  if (mta) expect(await mta.stop()).toBe(0);
  mta = undefined;
});

function from(localAddress: string, port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, localAddress, pool: true, maxConnections: 1 });
}

/** Order in which recipients' messages were delivered, from the MTA's log. */
function deliveryOrder(output: string): string[] {
  return [...output.matchAll(/ to=<([^>]+)> delays=\S+ total=\S+ status=sent/g)].map((m) => m[1]!);
}

async function floodThenVictim(m: MtaProcess, floodSize: number): Promise<number> {
  const flood = from('127.0.0.2', m.smtpPort);
  for (let i = 0; i < floodSize; i++) {
    await flood.sendMail({ from: `bulk${i}@flood.example`, to: `user1@${DEMO}`, subject: `offer ${i}`, text: 'buy', messageId: `<flood-${i}@flood.example>` });
  }
  flood.close();
  // While the flood waits for the scanner, the queue listing names where it comes from.
  const { json } = await m.api('GET', '/api/queue');
  expect(json.top_sources.client_ips[0]).toMatchObject({ client_ip: '127.0.0.2' });
  expect(json.top_sources.client_ips[0].queued).toBeGreaterThan(1);
  expect(json.top_sources.sender_domains[0]).toMatchObject({ domain: 'flood.example' });
  const customer = from('127.0.0.3', m.smtpPort);
  await customer.sendMail({ from: 'customer@example.org', to: `user2@${DEMO}`, subject: 'my order', text: 'where is it?', messageId: '<victim@example.org>' });
  customer.close();
  await waitFor('every message delivered', () => deliveryOrder(m.output()).length === floodSize + 1, 60_000, 200);
  return deliveryOrder(m.output()).indexOf(`user2@${DEMO}`);
}

describe('scan scheduling under a flood', () => {
  const slowScanner = { MTA_BUILTIN_SCAN_COST_MS: '150', MTA_SCAN_CONCURRENCY: '1' };

  it('FIFO (the 2014 behaviour): a customer behind a flood waits for all of it', async () => {
    mta = await startMta({ env: { ...slowScanner, MTA_SCHEDULER: 'fifo' } });
    // Last or nearly last (deliveries run in parallel, so neighbours may swap places).
    expect(await floodThenVictim(mta, 20)).toBeGreaterThanOrEqual(18);
  });

  it('fair scheduling: the same customer is served within the first few messages', async () => {
    mta = await startMta({ env: { ...slowScanner, MTA_SCHEDULER: 'fair' } });
    expect(await floodThenVictim(mta, 20)).toBeLessThanOrEqual(3);
  });
});

describe('scan policy', () => {
  it('bypass delivers unscanned mail marked X-Spam-Check: skipped, even what the scanner would refuse', async () => {
    mta = await startMta();
    const put = await mta.api('PUT', '/api/scan-policy', { policy: 'bypass', reason: 'drill', actor: 'ops' });
    expect(put.json.bypassing).toBe(true);
    const sender = from('127.0.0.1', mta.smtpPort);
    await sender.sendMail({ from: 'a@example.org', to: `user1@${DEMO}`, subject: 'unscanned', text: GTUBE, messageId: '<bypassed@example.org>' });
    sender.close();
    const mail = await waitFor('the unscanned message', () => readMailbox(mta!.dataDir, `user1@${DEMO}`).find((m) => m.includes('<bypassed@example.org>')));
    expect(mail).toMatch(/^X-Spam-Check: skipped \(scan policy bypass\)$/m);
    expect(mail).not.toMatch(/^X-Spam-Status:/m);
    expect(await mta.metrics()).toMatch(/^tayori_mta_scan_verdicts_total\{verdict="skipped"\} 1$/m);
  });

  it('auto bypasses only while mail waits too long for a scan, records both switches, then scans again', async () => {
    mta = await startMta({
      env: {
        MTA_SCAN_POLICY: 'auto',
        MTA_BUILTIN_SCAN_COST_MS: '800',
        MTA_SCAN_CONCURRENCY: '1',
        MTA_SCAN_AUTO_BYPASS_AGE_S: '2',
        MTA_SCAN_AUTO_RESUME_AGE_S: '0.5',
        MTA_SCAN_AUTO_MIN_BYPASS_S: '1',
      },
    });
    const sender = from('127.0.0.1', mta.smtpPort);
    for (let i = 0; i < 10; i++) await sender.sendMail({ from: 'a@example.org', to: `user3@${DEMO}`, subject: `burst ${i}`, text: 'x', messageId: `<burst-${i}@example.org>` });
    sender.close();
    const mails = await waitFor('all ten delivered', () => {
      const got = readMailbox(mta!.dataDir, `user3@${DEMO}`);
      return got.length === 10 ? got : undefined;
    }, 30_000);
    const scanned = mails.filter((m) => /^X-Spam-Check: done/m.test(m)).length;
    const skipped = mails.filter((m) => /^X-Spam-Check: skipped \(scan policy auto\)$/m.test(m)).length;
    expect(scanned).toBeGreaterThanOrEqual(1);
    expect(skipped).toBeGreaterThanOrEqual(1);
    expect(scanned + skipped).toBe(10);
    const events = await waitFor('the switch back', async () => {
      const { json } = await mta!.api('GET', '/api/events?kind=scan_policy');
      return json.events.length >= 2 ? json.events : undefined;
    }, 15_000);
    const [resumed, started] = events;
    expect(started).toMatchObject({ actor: 'auto', detail: { bypassing: true } });
    expect(started.reason).toMatch(/^oldest message waiting for a scan is \d+ s old \(threshold 2 s\)$/);
    expect(resumed).toMatchObject({ actor: 'auto', detail: { bypassing: false } });
    expect(resumed.reason).toMatch(/^scan backlog drained/);
    expect((await mta.api('GET', '/healthz', undefined, null)).json).toMatchObject({ scan_policy: 'auto', scan_bypassing: false });
  });
});

describe('inline scanning (MTA_SCAN_INLINE)', () => {
  it('refuses spam and viruses at DATA time, so nothing is queued for them; clean mail is delivered scanned', async () => {
    mta = await startMta({ env: { MTA_SCAN_INLINE: 'on' } });
    const sender = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true });
    await expect(sender.sendMail({ from: 'a@example.org', to: `user1@${DEMO}`, subject: 'gtube', text: GTUBE })).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/^550 5\.7\.1 Message content rejected as spam \(score \d+(\.\d+)?\)$/),
    });
    const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    await expect(sender.sendMail({ from: 'a@example.org', to: `user1@${DEMO}`, subject: 'invoice', text: 'see', attachments: [{ filename: 'x.com', content: EICAR }] })).rejects.toMatchObject({
      responseCode: 554,
      response: '554 5.7.1 Message content rejected: virus Eicar-Test-Signature found',
    });
    await sender.sendMail({ from: 'a@example.org', to: `user1@${DEMO}`, subject: 'hello', text: 'fine', messageId: '<inline-ok@example.org>' });
    const mail = await waitFor('the clean message', () => readMailbox(mta!.dataDir, `user1@${DEMO}`).find((m) => m.includes('<inline-ok@example.org>')));
    expect(mail).toMatch(/^X-Spam-Check: done \(builtin\)$/m);
    const { json } = await mta.api('GET', '/api/queue');
    expect(json).toMatchObject({ depth: 0, quarantined: [], refused_as_spam: [] });
    const metrics = await mta.metrics();
    expect(metrics).toMatch(/^tayori_mta_rejections_total\{reason="spam"\} 1$/m);
    expect(metrics).toMatch(/^tayori_mta_rejections_total\{reason="virus"\} 1$/m);
    expect(metrics).toMatch(/^tayori_mta_messages_accepted_total 1$/m);
    expect(readMailbox(mta.dataDir, `user1@${DEMO}`)).toHaveLength(1);
  });
});
