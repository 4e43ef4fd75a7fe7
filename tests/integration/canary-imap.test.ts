// The canary's IMAP reader against what a Postfix fleet runs: mail sent over SMTP to a real Postfix,
// delivered into a Maildir by its virtual agent, read and removed over IMAP from a real Dovecot.
// No site is needed (nothing here reads the build the integration project's global setup makes).
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImapMailbox } from '../../lib/canary/imap-mailbox';
import { sendCanary } from '../../lib/canary/send';
import type { CanaryArrival, CanaryMailbox } from '../../lib/canary/mailbox';
import { CANARY_ADDRESS, postfixDovecotUnavailable, startPostfixDovecot, type PostfixDovecot } from '../support/postfix-dovecot';

const unavailable = postfixDovecotUnavailable();
const skipReason = unavailable ? ` [skipped: ${unavailable}]` : '';

describe.skipIf(unavailable !== null)('the canary read over IMAP from Postfix + Dovecot' + skipReason, () => {
  let mail: PostfixDovecot;
  let mailbox: CanaryMailbox;

  beforeAll(async () => {
    mail = await startPostfixDovecot({ imaps: true });
    mailbox = createImapMailbox(mail.imapUrl);
  }, 60_000);
  afterAll(async () => {
    await mailbox?.close();
    await mail?.stop();
  });

  /** An IMAP session of the test's own, beside the reader's. */
  const ownClient = () => new ImapFlow({ host: '127.0.0.1', port: mail.imapPort, secure: false, doSTARTTLS: false, auth: { user: mail.user, pass: mail.password }, logger: false });

  /** The Subjects in a folder, read over IMAP with a client of the test's own. */
  async function subjects(folder = 'INBOX'): Promise<string[]> {
    const imap = ownClient();
    await imap.connect();
    try {
      const lock = await imap.getMailboxLock(folder);
      try {
        const found: string[] = [];
        for await (const m of imap.fetch('1:*', { envelope: true })) found.push(m.envelope?.subject ?? '');
        return found;
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }
  }

  /** Logins to the canary's mailbox so far, from Dovecot's log. */
  const logins = () => (mail.logs().match(/imap-login: Info: Login: user=<canary@canary\.test>/g) ?? []).length;

  /** collect() until it has found `count` arrivals: Postfix delivers a moment after "250". */
  async function collectUntil(count: number, timeoutMs = 15_000): Promise<CanaryArrival[]> {
    const found: CanaryArrival[] = [];
    const deadline = Date.now() + timeoutMs;
    while (found.length < count) {
      found.push(...(await mailbox.collect()));
      if (found.length >= count) break;
      if (Date.now() > deadline) throw new Error(`only ${found.length} of ${count} canary messages arrived:\n${mail.logs()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return found;
  }

  it('finds the canary messages Postfix delivered, with their arrival time, removes them and leaves other mail alone', async () => {
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
    const sentAt = Date.now();
    await smtp.sendMail({ from: 'probe@sender.test', to: CANARY_ADDRESS, subject: 'canary 1', text: 'canary\n', headers: { 'X-Tayori-Canary': 'tok-1' } });
    await smtp.sendMail({ from: 'friend@sender.test', to: CANARY_ADDRESS, subject: 'an ordinary message', text: 'hello\n' });
    await smtp.sendMail({ from: 'probe@sender.test', to: CANARY_ADDRESS, subject: 'canary 2', text: 'canary\n', headers: { 'X-Tayori-Canary': 'tok-2' } });
    smtp.close();

    const loginsBefore = logins();
    const arrivals = await collectUntil(2);
    expect(arrivals.map((a) => a.token).sort()).toEqual(['tok-1', 'tok-2']);
    for (const a of arrivals) {
      expect(a.junk).toBe(false);
      // INTERNALDATE has whole seconds: the arrival lies within a few seconds of sending
      expect(a.arrivedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(sentAt / 1000) * 1000);
      expect(a.arrivedAt.getTime()).toBeLessThan(sentAt + 5_000);
    }

    // removed: a second look finds nothing, and the ordinary message is still there
    expect(await mailbox.collect()).toEqual([]);
    expect(logins() - loginsBefore, 'one IMAP session kept across the calls').toBe(1);
    expect(await subjects()).toEqual(['an ordinary message']);
  });

  it('looks in the Junk folder too, and says the message was filed as junk', async () => {
    const imap = ownClient();
    await imap.connect();
    await imap.mailboxCreate('Junk');
    const internalDate = new Date(Date.now() - 90_000);
    await imap.append('Junk', 'From: probe@sender.test\r\nTo: canary@canary.test\r\nSubject: canary 3\r\nX-Tayori-Canary: tok-3\r\n\r\ncanary\r\n', [], internalDate);
    await imap.append('Junk', 'From: spammer@sender.test\r\nTo: canary@canary.test\r\nSubject: real junk\r\n\r\nbuy\r\n', [], internalDate);
    await imap.logout();

    const arrivals = await mailbox.collect();
    expect(arrivals).toEqual([{ token: 'tok-3', arrivedAt: new Date(Math.floor(internalDate.getTime() / 1000) * 1000), junk: true }]);
    expect(await subjects('Junk')).toEqual(['real junk']);
    expect(await subjects('INBOX')).toEqual(['an ordinary message']);
  });

  it('serves overlapping calls one after the other over one session', async () => {
    const fresh = createImapMailbox(mail.imapUrl);
    const before = logins();
    try {
      expect(await Promise.all([fresh.collect(), fresh.collect(), fresh.collect()])).toEqual([[], [], []]);
    } finally {
      await fresh.close();
    }
    expect(logins() - before).toBe(1);
  });

  it('reads over imaps:// when the certificate is trusted (tls_ca) or not checked (tls_verify=false), and refuses an untrusted one', async () => {
    const trusted = createImapMailbox(`${mail.imapsUrl}?tls_ca=${encodeURIComponent(mail.certificateFile!)}`);
    const untrusted = createImapMailbox(mail.imapsUrl!);
    const unchecked = createImapMailbox(`${mail.imapsUrl}?tls_verify=false`);
    try {
      expect(await trusted.collect()).toEqual([]);
      expect(await unchecked.collect()).toEqual([]);
      const error = await untrusted.collect().then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/canary mailbox imaps:\/\/canary%40canary\.test@127\.0\.0\.1:\d+: .*self[- ]signed certificate/i);
      expect(error?.message).not.toContain(mail.password);
    } finally {
      await Promise.all([trusted.close(), untrusted.close(), unchecked.close()]);
    }
  });

  it('refuses a wrong password with a clear error that does not contain it', async () => {
    const wrong = 'Wr0ng-Passw0rd-xyz';
    const bad = createImapMailbox(mail.imapUrl.replace(encodeURIComponent(mail.password), wrong));
    try {
      const error = await bad.collect().then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/canary mailbox imap:\/\/canary%40canary\.test@127\.0\.0\.1:\d+: login refused/);
      expect(error?.message).not.toContain(wrong);
      expect(error?.message).not.toContain(mail.password);
    } finally {
      await bad.close();
    }
  });

  it('throws while Dovecot is down and reads again once it is back', async () => {
    await mail.stopDovecot();
    try {
      await expect(mailbox.collect()).rejects.toThrow(/canary mailbox imap:\/\/canary%40canary\.test@127\.0\.0\.1:\d+: /);
    } finally {
      await mail.startDovecot();
    }
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ from: 'probe@sender.test', to: CANARY_ADDRESS, subject: 'canary 4', text: 'canary\n', headers: { 'X-Tayori-Canary': 'tok-4' } });
    smtp.close();
    expect((await collectUntil(1)).map((a) => a.token)).toEqual(['tok-4']);
  });

  it('times the worker’s own canary, sent as an outside sender to the Postfix MX and read back over IMAP', async () => {
    const sentAt = new Date();
    await sendCanary({ smtpUrl: `smtp://127.0.0.1:${mail.smtpPort}`, from: 'canary@status.tayori.test', to: CANARY_ADDRESS, token: 'probe-5', sentAt });
    const [arrival] = await collectUntil(1);
    expect(arrival!.token).toBe('probe-5');
    expect(arrival!.junk).toBe(false);
    // INTERNALDATE has whole seconds: the trip is the mailbox's time less the send's, to the second.
    const tripS = (arrival!.arrivedAt.getTime() - sentAt.getTime()) / 1000;
    expect(tripS).toBeGreaterThan(-1);
    expect(tripS).toBeLessThan(10);
  });
});
