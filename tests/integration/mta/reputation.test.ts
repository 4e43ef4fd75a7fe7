// Known senders first, whatever the flood's shape: a flood spread over many newcomers, one message
// each (nothing a per-client limit or fair turns can catch), against a saturated scan stage. A
// correspondent whose mail came through clean before is scanned ahead of all of it, and the
// breaker lets only known senders' mail skip the scan.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO, readMailbox, startMta, startSmtpSink, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess | undefined;

afterEach(async () => {
  if (mta) expect(await mta.stop()).toBe(0);
  mta = undefined;
});

async function send(m: MtaProcess, localAddress: string, from: string, to: string, messageId: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: m.smtpPort, ignoreTLS: true, localAddress });
  try {
    await transport.sendMail({ from, to, subject: `hello ${messageId}`, text: 'Thanks for your order; the invoice follows.', messageId: `<${messageId}>` });
  } finally {
    transport.close();
  }
}

/** Newcomers: each its own client network and sender domain, one message each. */
async function floodOfNewcomers(m: MtaProcess, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await send(m, `127.${30 + i}.0.9`, `promo@newcomer${i}.example`, `user1@${DEMO}`, `newcomer-${i}@flood.example`);
}

/** Recipients in the order their mail was delivered, from the MTA's log. */
function deliveryOrder(output: string): string[] {
  return [...output.matchAll(/from=<([^>]*)> to=<[^>]+> delays=\S+ total=\S+ status=sent/g)].map((x) => x[1]!);
}

const PARTNER = 'tanaka@partner.example';
// History counts once it is MTA_REPUTATION_MIN_AGE_S old (an hour by default); the tests make
// "earlier" seconds ago. That the default keeps a burst from making itself known is what
// scan-scheduling.test.ts's fair-scheduling case shows: its flooder's clean mail earns it nothing.

/** The correspondent's earlier, clean mail: the history that makes it known. */
async function history(m: MtaProcess): Promise<void> {
  await send(m, '127.0.0.5', PARTNER, `user2@${DEMO}`, 'earlier@partner.example');
  await waitFor('the earlier mail', () => readMailbox(m.dataDir, `user2@${DEMO}`).find((x) => x.includes('<earlier@partner.example>')), 20_000);
}

describe('sender reputation in the scan queue', () => {
  it('scans a known correspondent’s reply before a flood of newcomers that arrived first', async () => {
    mta = await startMta({ env: { MTA_BUILTIN_SCAN_COST_MS: '300', MTA_SCAN_CONCURRENCY: '1', MTA_GREETING_DELAY_MS: '0', MTA_REPUTATION_MIN_AGE_S: '0' } });
    await history(mta);
    await floodOfNewcomers(mta, 20);
    // Another address of the same /24: the history belongs to the domain and its network.
    await send(mta, '127.0.0.6', 'suzuki@partner.example', `user2@${DEMO}`, 'reply@partner.example');
    await waitFor('every message delivered', () => deliveryOrder(mta!.output()).length === 22, 60_000, 200);
    const order = deliveryOrder(mta.output()).slice(1);
    // Some newcomers were scanned while the rest were still being sent; the reply went next, ahead
    // of all the newcomers still waiting, not at the end of their turns.
    expect(order.length - 1 - order.indexOf('suzuki@partner.example')).toBeGreaterThanOrEqual(12);
    const reply = readMailbox(mta.dataDir, `user2@${DEMO}`).find((x) => x.includes('<reply@partner.example>'))!;
    expect(reply).toMatch(/^X-Spam-Check: done \(builtin\)$/m);
    const metrics = await mta.metrics();
    expect(metrics).toMatch(/^tayori_mta_scan_queued_total\{sender="known",because="history"\} 1$/m);
    expect(metrics).toMatch(/^tayori_mta_scan_queued_total\{sender="unknown",because="none"\} 21$/m);
  });

  it('does not count the same sender address from another network as known', async () => {
    mta = await startMta({ env: { MTA_BUILTIN_SCAN_COST_MS: '150', MTA_SCAN_CONCURRENCY: '1', MTA_GREETING_DELAY_MS: '0', MTA_REPUTATION_MIN_AGE_S: '0' } });
    await history(mta);
    await floodOfNewcomers(mta, 10);
    // The known address, forged from a network it never came through.
    await send(mta, '127.99.0.1', PARTNER, `user2@${DEMO}`, 'forged@partner.example');
    await waitFor('every message delivered', () => deliveryOrder(mta!.output()).length === 12, 60_000, 200);
    expect(deliveryOrder(mta.output()).slice(1).indexOf(PARTNER)).toBeGreaterThanOrEqual(8);
  });

  it('knows the answer to mail a customer sent, from wherever it comes', async () => {
    const smarthost = await startSmtpSink();
    try {
      // Default minimum age: a correspondent needs none, history would need an hour.
      mta = await startMta({ env: { MTA_BUILTIN_SCAN_COST_MS: '300', MTA_SCAN_CONCURRENCY: '1', MTA_GREETING_DELAY_MS: '0', SMTP_RELAY_URL: `smtp://127.0.0.1:${smarthost.port}` } });
      expect((await mta.api('PUT', `/api/mailboxes/user3@${DEMO}/password`, { password: 'customer password 1234' })).status).toBe(200);
      const customer = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true, localAddress: '127.0.0.3', auth: { user: `user3@${DEMO}`, pass: 'customer password 1234' } });
      await customer.sendMail({ from: `user3@${DEMO}`, to: 'yamada@client-company.example', subject: 'quote', text: 'Please find the quote below.', messageId: '<quote@demo.tayori.test>' });
      customer.close();
      await floodOfNewcomers(mta, 15);
      // The answer, from a network the MTA has never seen.
      await send(mta, '127.77.0.1', 'yamada@client-company.example', `user3@${DEMO}`, 'answer@client-company.example');
      await waitFor('every inbound message delivered', () => deliveryOrder(mta!.output()).filter((f) => f !== `user3@${DEMO}`).length === 16, 60_000, 200);
      const inbound = deliveryOrder(mta.output()).filter((f) => f !== `user3@${DEMO}`);
      expect(inbound.length - 1 - inbound.indexOf('yamada@client-company.example')).toBeGreaterThanOrEqual(8);
      const metrics = await mta.metrics();
      expect(metrics).toMatch(/^tayori_mta_scan_queued_total\{sender="known",because="authenticated"\} 1$/m);
      expect(metrics).toMatch(/^tayori_mta_scan_queued_total\{sender="known",because="correspondent"\} 1$/m);
    } finally {
      await smarthost.stop();
    }
  });

  it('lets the breaker skip the scan for known senders only; newcomers are all scanned', async () => {
    mta = await startMta({
      env: {
        MTA_SCAN_POLICY: 'auto',
        MTA_BUILTIN_SCAN_COST_MS: '300',
        MTA_SCAN_CONCURRENCY: '1',
        MTA_SCAN_AUTO_BYPASS_AGE_S: '1',
        // The breaker's second step (newcomers' mail, once nothing known waits) stays out of reach here.
        MTA_SCAN_AUTO_BYPASS_UNKNOWN_AGE_S: '600',
        MTA_SCAN_AUTO_RESUME_AGE_S: '0.5',
        MTA_SCAN_AUTO_MIN_BYPASS_S: '1',
        MTA_GREETING_DELAY_MS: '0',
        MTA_REPUTATION_MIN_AGE_S: '0',
      },
    });
    await history(mta);
    await floodOfNewcomers(mta, 15);
    await waitFor('the breaker', async () => {
      const { json } = await mta!.api('GET', '/api/events?kind=scan_policy');
      return json.events.some((e: { detail: { bypassing?: boolean } }) => e.detail.bypassing === true) || undefined;
    }, 20_000, 100);
    for (let i = 0; i < 3; i++) await send(mta, '127.0.0.5', PARTNER, `user2@${DEMO}`, `during-${i}@partner.example`);
    const all = await waitFor('all mail delivered', () => {
      const inbox = [...readMailbox(mta!.dataDir, `user1@${DEMO}`), ...readMailbox(mta!.dataDir, `user2@${DEMO}`)];
      return inbox.length === 1 + 15 + 3 ? inbox : undefined;
    }, 60_000, 200);
    const newcomers = all.filter((x) => x.includes('@flood.example>'));
    const known = all.filter((x) => /<during-\d@partner\.example>/.test(x));
    expect(newcomers).toHaveLength(15);
    for (const mail of newcomers) expect(mail).toMatch(/^X-Spam-Check: done \(builtin\)$/m);
    expect(known).toHaveLength(3);
    for (const mail of known) expect(mail).toMatch(/^X-Spam-Check: skipped \(scan policy auto\)$/m);
    const metrics = await mta.metrics();
    expect(metrics).toMatch(/^tayori_mta_scan_skipped_total\{sender="known"\} 3$/m);
    expect(metrics).not.toMatch(/^tayori_mta_scan_skipped_total\{sender="unknown"\} [1-9]/m);
  });
});
