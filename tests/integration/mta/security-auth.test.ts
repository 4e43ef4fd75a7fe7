// SMTP AUTH is throttled per client address and per user name: each failed login is answered
// more slowly than the one before, after MTA_AUTH_MAX_FAILURES the address (or the name) gets a
// temporary refusal even with the right password, and an address that keeps trying is put on the
// blocklist. Logins go over STARTTLS here, as they would from outside.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, RawSmtp, selfSignedCertificate, startMta, SUBMISSION_USER, submissionPassword, type MtaProcess } from './helpers.js';

const DELAY_MS = 100;
const PASSWORD = 'correct horse battery';
let mta: MtaProcess;

beforeAll(async () => {
  const { key, cert } = selfSignedCertificate();
  mta = await startMta({ env: { MTA_TLS_KEY: key, MTA_TLS_CERT: cert, MTA_AUTH_FAILURE_DELAY_MS: String(DELAY_MS), MTA_AUTO_BLOCK_MINUTES: '1' } });
  for (const box of ['user1', 'info', 'support', 'user2']) {
    expect((await mta.api('PUT', `/api/mailboxes/${box}@${DEMO}/password`, { password: PASSWORD })).status).toBe(200);
  }
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

/** One login over STARTTLS from `localAddress`: the server's reply and how long it took. */
async function login(user: string, pass: string, localAddress: string): Promise<{ reply: string; ms: number }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, localAddress, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user, pass } });
  const started = Date.now();
  try {
    await transport.verify();
    return { reply: '235', ms: Date.now() - started };
  } catch (error) {
    const e = error as { response?: string; message: string };
    return { reply: e.response ?? e.message, ms: Date.now() - started };
  } finally {
    transport.close();
  }
}

function metric(text: string, pattern: string): number {
  return Number(new RegExp(`^${pattern} (\\d+)$`, 'm').exec(text)?.[1] ?? -1);
}

describe('one address guessing passwords', () => {
  const GUESSER = '127.0.0.41';

  it('is answered more slowly after each failure, then refused for a while even with the right password', async () => {
    const attempts: Array<{ reply: string; ms: number }> = [];
    for (let i = 1; i <= 5; i++) attempts.push(await login(`user1@${DEMO}`, `wrong ${i}`, GUESSER));
    expect(attempts.map((a) => a.reply)).toEqual(Array(5).fill('535 5.7.8 Error: authentication failed'));
    // 100, 200, 400, 800 and 1600 ms before the reply (on top of the handshake).
    attempts.forEach((a, i) => expect(a.ms).toBeGreaterThanOrEqual(DELAY_MS * 2 ** i));
    expect(attempts[4]!.ms).toBeGreaterThan(attempts[0]!.ms + 1000);

    const right = await login(`user1@${DEMO}`, PASSWORD, GUESSER);
    expect(right.reply).toBe('454 4.7.0 Temporary authentication failure: too many failed logins, try again later');
  });

  it('is blocked once it has tried 10 times, and counted', async () => {
    const replies: string[] = [];
    for (let i = 7; i <= 10; i++) replies.push((await login(`user1@${DEMO}`, `wrong ${i}`, GUESSER)).reply);
    expect(replies.slice(0, 3)).toEqual(Array(3).fill('454 4.7.0 Temporary authentication failure: too many failed logins, try again later'));
    expect(replies[3]).toBe(`421 4.7.1 Client host [${GUESSER}] temporarily blocked after too many failed logins; try again later`);

    const again = await RawSmtp.connect(mta.smtpPort, GUESSER);
    expect(await again.reply()).toBe(`421 4.7.1 Client host [${GUESSER}] temporarily blocked after too many failed logins; try again later`);
    await again.waitClosed();

    const { json } = await mta.api('GET', '/api/blocklist');
    expect(json.entries).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'client', value: GUESSER, created_by: 'auto', reason: 'auto: 10 failed logins in 900 s (limit 10)' })]));
    const events = (await mta.api('GET', '/api/events?kind=blocklist')).json.events;
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'auto', detail: expect.objectContaining({ action: 'add', value: GUESSER, trigger: 'auth_failures', count: 10 }) })]));
    const metrics = await mta.metrics();
    expect(metric(metrics, 'tayori_mta_auth_failures_total')).toBeGreaterThanOrEqual(5);
    expect(metric(metrics, 'tayori_mta_auth_throttled_total\\{scope="client"\\}')).toBeGreaterThanOrEqual(4);
    expect(metric(metrics, 'tayori_mta_auto_blocks_total\\{trigger="auth_failures"\\}')).toBe(1);
  });
});

describe('one user name guessed from many addresses', () => {
  it('is refused for a while, even with the right password, while other names log in', async () => {
    for (let i = 0; i < 5; i++) expect((await login(`info@${DEMO}`, `wrong ${i}`, `127.0.0.${50 + i}`)).reply).toBe('535 5.7.8 Error: authentication failed');
    expect((await login(`info@${DEMO}`, PASSWORD, '127.0.0.56')).reply).toBe('454 4.7.0 Temporary authentication failure: too many failed logins, try again later');
    expect((await login(`support@${DEMO}`, PASSWORD, '127.0.0.56')).reply).toBe('235');
    expect(metric(await mta.metrics(), 'tayori_mta_auth_throttled_total\\{scope="user"\\}')).toBeGreaterThanOrEqual(1);
  });
});

describe('the local submission credential', () => {
  it('still logs in from an address whose guesses got it blocked, where nobody else can', async () => {
    const local = '127.0.0.1';
    for (let i = 1; i <= 10; i++) await login(`user2@${DEMO}`, `wrong ${i}`, local);
    expect((await login(`user2@${DEMO}`, PASSWORD, local)).reply).toBe(`421 4.7.1 Client host [${local}] temporarily blocked after too many failed logins; try again later`);

    // The site and the notice worker on this host keep sending.
    const { smtp } = await openSession(mta.smtpPort, 'status.example', local);
    expect(await smtp.command(`AUTH PLAIN ${Buffer.from(`\0${SUBMISSION_USER}\0${submissionPassword(mta.dataDir)}`).toString('base64')}`)).toBe('235 2.7.0 Authentication successful');
    expect(await smtp.command('MAIL FROM:<status@tayori.test>')).toBe('250 2.1.0 Accepted');
    expect(await smtp.command(`RCPT TO:<user3@${DEMO}>`)).toBe('250 2.1.5 Accepted');
    smtp.close();

    // Without it, the blocked address gets nowhere.
    const stranger = await openSession(mta.smtpPort, 'status.example', local);
    expect(await stranger.smtp.command('MAIL FROM:<status@tayori.test>')).toBe(`450 4.7.1 Client host [${local}] temporarily blocked after too many failed logins; try again later`);
    stranger.smtp.close();
  });
});
