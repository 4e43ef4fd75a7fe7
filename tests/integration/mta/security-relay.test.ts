// Loopback is not a trusted relay. With no configuration a local process that has not logged in
// may only deliver to hosted mailboxes, under the per-client limits and automatic blocking every
// other client gets. The site and the notice worker relay by logging in with the credential the
// MTA generates in its data directory on first start; their SMTP clients find it there by
// themselves when SMTP_URL points at the MTA on loopback.
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSender } from '../../../lib/smtp/sender.js';
import { nodemailerOptions, smtpClientSettings } from '../../../lib/smtp/url.js';
import { DEMO, openSession, startMta, startSmtpSink, SUBMISSION_USER, submissionPassword, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const MESSAGES_PER_MINUTE = 5;

beforeAll(async () => {
  sink = await startSmtpSink();
  mta = await startMta({
    env: {
      SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`,
      MTA_MAX_MESSAGES_PER_MINUTE_PER_IP: String(MESSAGES_PER_MINUTE),
      MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE: '3',
      MTA_AUTO_BLOCK_MINUTES: '1',
    },
  });
});

afterAll(async () => {
  const code = await mta?.stop();
  await sink?.stop();
  expect(code).toBe(0);
});

const plain = (b64: string) => Buffer.from(b64, 'utf8').toString('base64');

describe('a local client that has not logged in', () => {
  it('may not relay to other domains', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'app.example', '127.0.0.1');
    expect(await smtp.command('MAIL FROM:<ceo@bank.example>')).toBe('250 2.1.0 Accepted');
    expect(await smtp.command('RCPT TO:<victim@example.com>')).toBe('554 5.7.1 <victim@example.com>: Relay access denied');
    // Hosted mailboxes still take its mail, as they take anyone's.
    expect(await smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe('250 2.1.5 Accepted');
    smtp.close();
  });

  it('is held to the per-client message limit', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'app.example', '127.0.0.31');
    for (let i = 0; i < MESSAGES_PER_MINUTE; i++) {
      expect(await smtp.command('MAIL FROM:<app@example.org>')).toBe('250 2.1.0 Accepted');
      expect(await smtp.command('RSET')).toBe('250 2.0.0 Flushed');
    }
    expect(await smtp.command('MAIL FROM:<app@example.org>')).toBe('421 4.7.0 mx.tayori.test Error: too much mail from 127.0.0.31');
    smtp.close();
  });

  it('is blocked automatically like any other client', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'guess.example', '127.0.0.32');
    expect(await smtp.command('MAIL FROM:<guess@example.org>')).toBe('250 2.1.0 Accepted');
    for (let i = 1; i <= 4; i++) expect(await smtp.command(`RCPT TO:<guess${i}@${DEMO}>`)).toMatch(/^550 5\.1\.1 /);
    expect(await smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe('450 4.7.1 Client host [127.0.0.32] temporarily blocked for sending too much mail; try again later');
    smtp.close();
    const { json } = await mta.api('GET', '/api/blocklist');
    expect(json.entries).toEqual(expect.arrayContaining([expect.objectContaining({ value: '127.0.0.32', created_by: 'auto' })]));
  });
});

describe('the submission credential', () => {
  it('is generated on first start in an owner-only file; the log says where, never what', () => {
    const file = path.join(mta.dataDir, 'submission-password');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = submissionPassword(mta.dataDir);
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    expect(mta.output()).toContain(file);
    expect(mta.output()).not.toContain(password);
  });

  it('logs in over plain SMTP on loopback and relays, beyond the per-client message limit', async () => {
    const { smtp, ehlo } = await openSession(mta.smtpPort, 'status.example', '127.0.0.1');
    expect(ehlo.split('\r\n')).toContain('250-AUTH PLAIN LOGIN');
    expect(await smtp.command(`AUTH PLAIN ${plain(`\0${SUBMISSION_USER}\0${submissionPassword(mta.dataDir)}`)}`)).toBe('235 2.7.0 Authentication successful');
    for (let i = 1; i <= MESSAGES_PER_MINUTE + 3; i++) {
      expect(await smtp.command('MAIL FROM:<status@tayori.test>')).toBe('250 2.1.0 Accepted');
      expect(await smtp.command(`RCPT TO:<subscriber${i}@example.com>`)).toBe('250 2.1.5 Accepted');
      expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
      expect(await smtp.command(`Subject: notice ${i}\r\nMessage-ID: <notice-${i}@tayori.test>\r\n\r\nMail is late.\r\n.`)).toMatch(/^250 2\.0\.0 Ok: queued as /);
    }
    smtp.close();
    await waitFor('the relayed notices', () => sink.messages().filter((m) => m.includes('<notice-')).length === MESSAGES_PER_MINUTE + 3);
  });

  it('a wrong submission password is refused like any other', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'status.example', '127.0.0.33');
    expect(await smtp.command(`AUTH PLAIN ${plain(`\0${SUBMISSION_USER}\0${'0'.repeat(64)}`)}`)).toBe('535 5.7.8 Error: authentication failed');
    smtp.close();
  });

  it("is picked up by the notice worker's SMTP client when SMTP_URL is the MTA on loopback", async () => {
    const sender = new SmtpSender(`smtp://127.0.0.1:${mta.smtpPort}`, 1, null, { dataDir: mta.dataDir });
    try {
      await sender.send({ from: 'status@tayori.test', to: ['worker-copy@example.com'] }, 'Subject: from the worker\r\nMessage-ID: <worker-copy@tayori.test>\r\n\r\nhello\r\n');
    } finally {
      sender.close();
    }
    await waitFor('the worker copy at the smarthost', () => sink.messages().find((m) => m.includes('<worker-copy@tayori.test>')));
  });

  it("is picked up by the site's transport (confirmation mails) the same way", async () => {
    const transport = nodemailer.createTransport(nodemailerOptions(smtpClientSettings(`smtp://127.0.0.1:${mta.smtpPort}`, mta.dataDir)));
    try {
      const info = await transport.sendMail({ from: 'status@tayori.test', to: 'new-subscriber@example.com', subject: 'Confirm', text: 'x', messageId: '<confirm@tayori.test>' });
      expect(info.accepted).toEqual(['new-subscriber@example.com']);
    } finally {
      transport.close();
    }
    await waitFor('the confirmation at the smarthost', () => sink.messages().find((m) => m.includes('<confirm@tayori.test>')));
  });

  it('an SMTP_URL with its own user name and password wins over the generated credential', () => {
    const settings = smtpClientSettings('smtp://ops%40example.org:s3cret@127.0.0.1:2525', mta.dataDir);
    expect(nodemailerOptions(settings).auth).toEqual({ user: 'ops@example.org', pass: 's3cret' });
    const local = smtpClientSettings('smtp://127.0.0.1:2525', mta.dataDir);
    expect(nodemailerOptions(local).auth).toEqual({ user: SUBMISSION_USER, pass: submissionPassword(mta.dataDir) });
    // Not the bundled MTA on this host: nothing from the data directory is offered to it.
    expect(nodemailerOptions(smtpClientSettings('smtp://mail.example.net:25', mta.dataDir)).auth).toBeUndefined();
  });
});
