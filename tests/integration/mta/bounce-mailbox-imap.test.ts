// The bounce mailbox read over IMAP (BOUNCE_MAILBOX_URL), for notices sent through another relay:
// reports delivered by a real Postfix into a Maildir that a real Dovecot serves, read whole by the
// canary's IMAP reader generalised to every message (lib/canary/imap-mailbox.ts), each removed only
// once handled, and read as reports by the bounce parser.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImapMessageMailbox } from '../../../lib/canary/imap-mailbox';
import type { MailboxMessage, MessageMailbox } from '../../../lib/canary/mailbox';
import { parseBounceReport } from '../../../lib/notices/bounces/report';
import { CANARY_ADDRESS, postfixDovecotUnavailable, startPostfixDovecot, type PostfixDovecot } from '../../support/postfix-dovecot';
import { ROOT, waitFor } from './helpers';

const unavailable = postfixDovecotUnavailable();

describe.skipIf(unavailable !== null)(`the bounce mailbox over IMAP${unavailable ? ` [skipped: ${unavailable}]` : ''}`, () => {
  let mail: PostfixDovecot;
  let mailbox: MessageMailbox;

  beforeAll(async () => {
    mail = await startPostfixDovecot();
    mailbox = createImapMessageMailbox(mail.imapUrl, 'BOUNCE_MAILBOX_URL');
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
    for (const name of ['postfix-dsn-5.1.1.eml', 'arf-abuse.eml']) {
      await smtp.sendMail({ envelope: { from: 'mailer-daemon@mx1.example.net', to: CANARY_ADDRESS }, raw: readFileSync(path.join(ROOT, 'lib/notices/bounces/fixtures', name)) });
    }
    smtp.close();
  }, 60_000);
  afterAll(async () => {
    await mailbox?.close();
    await mail?.stop();
  });

  it('hands over each whole message, keeps one whose handling failed, and removes what was handled', async () => {
    const seen: MailboxMessage[] = [];
    // Postfix delivers a moment after its 250.
    await waitFor(
      'both reports in the mailbox',
      async () => {
        await mailbox
          .drain(async (m) => {
            if (seen.length === 1) throw new Error('the database is away');
            seen.push(m);
          })
          .catch((error: Error) => expect(error.message).toMatch(/^mailbox imap:\/\/canary%40canary\.test@127\.0\.0\.1:\d+: the database is away$/));
        return seen.length === 1 && mail.logs().split('status=sent').length > 2;
      },
      15_000,
      200,
    );
    const rest: MailboxMessage[] = [];
    expect(await mailbox.drain(async (m) => void rest.push(m))).toBe(1);
    expect(await mailbox.drain(async () => {})).toBe(0);
    const reports = await Promise.all([...seen, ...rest].map((m) => parseBounceReport(m.raw)));
    expect(reports.map((r) => r.kind).sort()).toEqual(['complaint', 'hard']);
    for (const m of [...seen, ...rest]) expect(m.arrivedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
