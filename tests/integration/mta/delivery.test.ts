// Mail sent by real clients (swaks, nodemailer) lands in the right Maildir with its scan headers;
// spam goes to Junk or is refused, a virus is quarantined, relay mail reaches the smarthost.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, readMailbox, requireTool, startMta, startSmtpSink, tmpFilesIn, waitFor, type MtaProcess } from './helpers.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

let mta: MtaProcess;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;

beforeAll(async () => {
  sink = await startSmtpSink();
  // Loopback configured as a trusted network (MTA_TRUSTED_NETWORKS; none is by default): it may
  // relay, and smtp-source's bulk from one address is not rate-limited or blocked.
  mta = await startMta({ env: { SMTP_RELAY_URL: `smtp://127.0.0.1:${sink.port}`, MTA_TRUSTED_NETWORKS: '127.0.0.1/32' } });
});

afterAll(async () => {
  const code = await mta?.stop();
  await sink?.stop();
  expect(code).toBe(0);
});

function transport() {
  return nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, secure: false, ignoreTLS: true });
}

describe('delivery to hosted mailboxes', () => {
  it('a message sent with swaks lands in the Maildir with Received and scan headers', () => {
    const swaks = requireTool('swaks');
    const result = spawnSync(swaks, ['--server', `127.0.0.1:${mta.smtpPort}`, '--from', 'alice@example.org', '--to', `user1@${DEMO}`, '--header', 'Subject: swaks hello', '--header', 'Message-ID: <swaks-1@example.org>', '--body', 'Hello from swaks'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/<- {2}250 2\.0\.0 Ok: queued as [0-9A-Z]{17}/);
    return waitFor('the swaks message in user1', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<swaks-1@example.org>'))).then((mail) => {
      expect(mail).toMatch(/^Return-Path: <alice@example\.org>\r\nDelivered-To: user1@demo\.tayori\.test\r\n/);
      expect(mail).toMatch(/^X-Spam-Check: done \(builtin\)$/m);
      expect(mail).toMatch(/^X-Spam-Status: No, score=0\.0 required=5\.0/m);
      expect(mail).toMatch(/^Received: from \S+ \(unknown \[127\.0\.0\.1\]\)\r\n\tby mx\.tayori\.test \(Tayori\) with ESMTP id [0-9A-Z]{17}\r\n\tfor <user1@demo\.tayori\.test>;/m);
      expect(mail).toContain('Hello from swaks');
      expect(mail).not.toMatch(/[^\r]\n/);
    });
  });

  it("Postfix's smtp-source: 300 messages over 10 parallel sessions, all accepted and each delivered once", async () => {
    const smtpSource = requireTool('smtp-source');
    const before = readMailbox(mta.dataDir, `user3@${DEMO}`).length;
    const acceptedBefore = Number(/^tayori_mta_messages_accepted_total (\d+)$/m.exec(await mta.metrics())![1]);
    const result = spawnSync(smtpSource, ['-s', '10', '-m', '300', '-l', '2048', '-f', 'load@example.org', '-t', `user3@${DEMO}`, `127.0.0.1:${mta.smtpPort}`], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const acceptedAfter = Number(/^tayori_mta_messages_accepted_total (\d+)$/m.exec(await mta.metrics())![1]);
    expect(acceptedAfter - acceptedBefore).toBe(300);
    await waitFor('300 deliveries', () => readMailbox(mta.dataDir, `user3@${DEMO}`).length >= before + 300, 60_000);
    await waitFor('an empty queue', async () => (await mta.api('GET', '/api/queue')).json.depth === 0);
    expect(readMailbox(mta.dataDir, `user3@${DEMO}`).length).toBe(before + 300);
  });

  it('nodemailer delivers one message to several mailboxes, once each', async () => {
    const info = await transport().sendMail({
      from: 'bob@example.org',
      to: [`info@${DEMO}`, `support@${DEMO}`, `Support@${DEMO}`.toLowerCase()],
      subject: 'Maintenance tonight',
      text: 'Dear customer, maintenance starts at 22:00.',
      messageId: '<nm-multi@example.org>',
    });
    expect(info.response).toMatch(/^250 2\.0\.0 Ok: queued as/);
    expect(info.accepted).toEqual([`info@${DEMO}`, `support@${DEMO}`]);
    for (const box of ['info', 'support']) {
      const mails = await waitFor(`mail in ${box}`, () => {
        const found = readMailbox(mta.dataDir, `${box}@${DEMO}`).filter((m) => m.includes('<nm-multi@example.org>'));
        return found.length ? found : undefined;
      });
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain(`Delivered-To: ${box}@${DEMO}`);
    }
  });

  it('X-Spam headers supplied by the sender are replaced by our own', async () => {
    await transport().sendMail({
      from: 'spoofer@example.org',
      to: `user2@${DEMO}`,
      subject: 'trust me',
      text: 'hi',
      headers: { 'X-Spam-Status': 'No, score=-100', 'X-Spam-Check': 'done (forged)' },
      messageId: '<forged@example.org>',
    });
    const mail = await waitFor('forged mail', () => readMailbox(mta.dataDir, `user2@${DEMO}`).find((m) => m.includes('<forged@example.org>')));
    expect(mail).not.toContain('score=-100');
    expect(mail).not.toContain('forged)');
    expect(mail.match(/^X-Spam-Status:/gm)).toHaveLength(1);
  });

  it('likely spam goes to the Junk folder, marked', async () => {
    await transport().sendMail({ from: 'promo@example.net', to: `user3@${DEMO}`, subject: 'YOU HAVE WON THE LOTTERY!!!', text: 'claim your prize', messageId: '<junk-1@example.net>' });
    const mail = await waitFor('junk mail', () => readMailbox(mta.dataDir, `user3@${DEMO}`, 'Junk').find((m) => m.includes('<junk-1@example.net>')));
    expect(mail).toMatch(/^X-Spam-Status: Yes, score=\d+\.\d required=5\.0 tests=.*SUBJ_ALL_CAPS/m);
    expect(mail).toMatch(/^X-Spam-Flag: YES$/m);
    expect(readMailbox(mta.dataDir, `user3@${DEMO}`).some((m) => m.includes('<junk-1@example.net>'))).toBe(false);
  });

  it('mail over the reject score (GTUBE) is never delivered and is listed as refused', async () => {
    const info = await transport().sendMail({ from: 'gtube@example.net', to: `user3@${DEMO}`, subject: 'gtube', text: GTUBE, messageId: '<gtube@example.net>' });
    const queueId = /queued as (\S+)/.exec(info.response)![1];
    const queue = await waitFor('the refused listing', async () => {
      const { json } = await mta.api('GET', '/api/queue');
      return json.refused_as_spam.some((m: { id: string }) => m.id === queueId) ? json : undefined;
    });
    expect(queue.refused_as_spam.find((m: { id: string }) => m.id === queueId).scan_result.score).toBeGreaterThanOrEqual(1000);
    for (const folder of ['INBOX', 'Junk'] as const) expect(readMailbox(mta.dataDir, `user3@${DEMO}`, folder).join('')).not.toContain('<gtube@example.net>');
  });

  it('a virus (EICAR) is quarantined, never delivered', async () => {
    const info = await transport().sendMail({
      from: 'virus@example.net',
      to: `user1@${DEMO}`,
      subject: 'invoice',
      text: 'see attachment',
      attachments: [{ filename: 'invoice.com', content: EICAR }],
      messageId: '<eicar@example.net>',
    });
    const queueId = /queued as (\S+)/.exec(info.response)![1];
    await waitFor('quarantine listing', async () => {
      const { json } = await mta.api('GET', '/api/queue');
      return json.quarantined.find((m: { id: string; scan_result: { virus: string } }) => m.id === queueId && m.scan_result.virus === 'Eicar-Test-Signature');
    });
    expect(readMailbox(mta.dataDir, `user1@${DEMO}`).join('')).not.toContain('<eicar@example.net>');
    expect(await mta.metrics()).toMatch(/^tayori_mta_scan_verdicts_total\{verdict="virus"\} 1$/m);
    // An operator can remove it for good.
    expect((await mta.api('DELETE', `/api/queue/${queueId}`)).json).toEqual({ deleted: queueId });
    expect((await mta.api('DELETE', `/api/queue/${queueId}`)).status).toBe(404);
    expect((await mta.api('GET', '/api/queue')).json.quarantined).toEqual([]);
  });

  it('loopback (a trusted network) may relay: the message reaches the smarthost', async () => {
    const info = await transport().sendMail({ from: `info@${DEMO}`, to: 'customer@example.com', subject: 'Incident resolved', text: 'Mail delays are over.', messageId: '<relay-1@demo.tayori.test>' });
    expect(info.accepted).toEqual(['customer@example.com']);
    const relayed = await waitFor('the relayed message at smtp-sink', () => sink.messages().find((m) => m.includes('<relay-1@demo.tayori.test>')));
    expect(relayed).toMatch(/^X-Spam-Check: done \(builtin\)$/m);
    expect(relayed).toContain('Mail delays are over.');
  });

  it('a large message (its text kept in a file of its own in the spool) arrives whole, in a mailbox and at the smarthost, its forged X-Spam headers replaced', async () => {
    // Short lines, so that the text travels as it is (7bit), not quoted-printable.
    const text = 'All mail is on time again, and the queue is empty.\r\n'.repeat(20_000);
    await transport().sendMail({
      from: 'newsletter@example.org',
      to: [`user1@${DEMO}`, 'reader@example.com'],
      subject: 'a large one',
      text,
      headers: { 'X-Spam-Status': 'No, score=-100', 'X-Spam-Check': 'done (forged)' },
      messageId: '<large-relay@example.org>',
    });
    const delivered = await waitFor('the large message in the mailbox', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<large-relay@example.org>')));
    const relayed = await waitFor('the large message at smtp-sink', () => sink.messages().find((m) => m.includes('<large-relay@example.org>')));
    for (const mail of [delivered, relayed]) {
      expect(mail.length).toBeGreaterThan(1_000_000);
      expect(mail).not.toContain('score=-100');
      expect(mail).not.toContain('forged)');
      expect(mail.match(/^X-Spam-Check:/gm)).toHaveLength(1);
      // smtp-sink stores its copy with LF line ends.
      expect(mail.replace(/\r\n/g, '\n')).toContain(text.slice(-200).replace(/\r\n/g, '\n'));
    }
    // Delivered everywhere: the spool keeps no file for it.
    await waitFor('the spool to let go of it', () => fs.readdirSync(path.join(mta.dataDir, 'spool', 'bodies')).length === 0);
  });

  it('every delivered message has its stage delays in the log and in /metrics', async () => {
    expect(mta.output()).toMatch(/: from=<alice@example\.org> to=<user1@demo\.tayori\.test> delays=\d+\.\d\d\/\d+\.\d\d\/\d+\.\d\d\/\d+\.\d\d total=\d+\.\d\d status=sent/);
    const metrics = await mta.metrics();
    for (const stage of ['receive', 'queue', 'scan', 'deliver', 'total']) {
      expect(metrics).toMatch(new RegExp(`^tayori_mta_delay_seconds_count\\{stage="${stage}"\\} [1-9]\\d*$`, 'm'));
    }
    expect(metrics).toMatch(/^tayori_mta_delay_seconds_bucket\{le="5400",stage="total"\} \d+$/m);
    expect(tmpFilesIn(mta.dataDir)).toEqual([]);
  });
});
