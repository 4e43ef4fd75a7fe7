// STARTTLS is offered only when a certificate is configured, mail sent over it is marked ESMTPS,
// and over TLS a mailbox owner can authenticate (SMTP AUTH) and relay, which an unauthenticated
// outside client cannot.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, readMailbox, requireTool, startMta, startSmtpSink, tempDir, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

beforeAll(async () => {
  const dir = tempDir('tls');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = spawnSync(requireTool('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=mx.tayori.test'], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  sink = await startSmtpSink();
  // Loopback is an ordinary outside client here: only authenticated senders may relay, and
  // logging in needs TLS (no plaintext AUTH for local submission).
  mta = await startMta({ env: { MTA_TLS_KEY: key, MTA_TLS_CERT: cert, MTA_TRUSTED_NETWORKS: '192.0.2.0/24', MTA_LOOPBACK_PLAINTEXT_AUTH: 'off', SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}` } });
});

afterAll(async () => {
  const code = await mta?.stop();
  await sink?.stop();
  expect(code).toBe(0);
});

function submission(auth?: { user: string; pass: string }) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, requireTLS: true, tls: { rejectUnauthorized: false }, auth });
}

describe('STARTTLS', () => {
  it('is advertised when a certificate is configured; AUTH needs it first', async () => {
    const { smtp, ehlo } = await openSession(mta.smtpPort);
    expect(ehlo.split('\r\n')).toEqual(expect.arrayContaining(['250-STARTTLS', '250-AUTH PLAIN LOGIN']));
    expect(await smtp.command('AUTH PLAIN AGluZm8Ac2VjcmV0')).toBe('538 5.7.0 Error: Must issue a STARTTLS command first');
    expect(await smtp.command('STARTTLS')).toBe('220 2.0.0 Ready to start TLS');
    smtp.close();
  });

  it('swaks delivers over TLS and the Received header says ESMTPS', async () => {
    const result = spawnSync(requireTool('swaks'), ['--server', `127.0.0.1:${mta.smtpPort}`, '--tls', '--from', 'a@example.org', '--to', `user2@${DEMO}`, '--header', 'Message-ID: <tls-1@example.org>'], { encoding: 'utf8' });
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toContain('TLS started with cipher');
    const mail = await waitFor('the TLS message', () => readMailbox(mta.dataDir, `user2@${DEMO}`).find((m) => m.includes('<tls-1@example.org>')));
    expect(mail).toMatch(/by mx\.tayori\.test \(Tayori\) with ESMTPS id /);
  });
});

describe('SMTP AUTH', () => {
  it('an outside client may not relay without authenticating', async () => {
    await expect(submission().sendMail({ from: `info@${DEMO}`, to: 'customer@example.com', subject: 'x', text: 'x' })).rejects.toMatchObject({
      responseCode: 554,
      response: '554 5.7.1 <customer@example.com>: Relay access denied',
    });
  });

  it('a mailbox owner with a password set through the API authenticates and relays', async () => {
    expect((await mta.api('PUT', `/api/mailboxes/info@${DEMO}/password`, { password: 'short' })).status).toBe(400);
    expect((await mta.api('PUT', '/api/mailboxes/ghost@demo.tayori.test/password', { password: 'correct horse battery' })).status).toBe(404);
    const set = await mta.api('PUT', `/api/mailboxes/info@${DEMO}/password`, { password: 'correct horse battery', actor: 'ops' });
    expect(set.json).toEqual({ address: `info@${DEMO}`, smtp_auth: true });

    await expect(submission({ user: `info@${DEMO}`, pass: 'wrong horse battery' }).sendMail({ from: `info@${DEMO}`, to: 'customer@example.com', subject: 'x', text: 'x' })).rejects.toMatchObject({
      responseCode: 535,
      response: '535 5.7.8 Error: authentication failed',
    });

    const info = await submission({ user: `info@${DEMO}`, pass: 'correct horse battery' }).sendMail({ from: `info@${DEMO}`, to: 'customer@example.com', subject: 'Recovered', text: 'Mail is on time again.', messageId: '<auth-relay@demo.tayori.test>' });
    expect(info.accepted).toEqual(['customer@example.com']);
    const relayed = await waitFor('the relayed message', () => sink.messages().find((m) => m.includes('<auth-relay@demo.tayori.test>')));
    expect(relayed).toMatch(/with ESMTPSA id /);
    expect(await mta.metrics()).toMatch(/^tayori_mta_rejections_total\{reason="auth_failed"\} 1$/m);
  });
});
