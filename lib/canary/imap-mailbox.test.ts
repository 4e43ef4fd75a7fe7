import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryToken, createImapMailbox, imapMailboxLocation, imapMailboxSettings } from './imap-mailbox';

describe('CANARY_MAILBOX_URL', () => {
  it('reads host, port, user and password, percent-decoded', () => {
    expect(imapMailboxSettings('imap://canary%40canary.test:p%40ss%3Aw%25rd@127.0.0.1:1143')).toEqual({
      host: '127.0.0.1',
      port: 1143,
      secure: false,
      startTls: false,
      tls: { rejectUnauthorized: true },
      auth: { user: 'canary@canary.test', pass: 'p@ss:w%rd' },
    });
  });

  it('defaults to port 143 for imap:// and 993 for imaps://', () => {
    expect(imapMailboxSettings('imap://u:p@mail.example.net').port).toBe(143);
    expect(imapMailboxSettings('imaps://u:p@mail.example.net')).toMatchObject({ port: 993, secure: true, startTls: false });
  });

  it('requires STARTTLS for imap:// to another host, and uses none on loopback', () => {
    expect(imapMailboxSettings('imap://u:p@mail.example.net').startTls).toBe(true);
    expect(imapMailboxSettings('imap://u:p@localhost:143').startTls).toBe(false);
    expect(imapMailboxSettings('imap://u:p@[::1]:143')).toMatchObject({ host: '::1', startTls: false });
  });

  it('takes tls_verify=false and tls_ca as the notice SMTP URL does', () => {
    expect(imapMailboxSettings('imaps://u:p@mail.example.net?tls_verify=false').tls).toEqual({ rejectUnauthorized: false });
    const dir = mkdtempSync(path.join(tmpdir(), 'imap-ca-'));
    try {
      const ca = path.join(dir, 'ca.pem');
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      expect(imapMailboxSettings(`imaps://u:p@mail.example.net?tls_ca=${encodeURIComponent(ca)}`).tls).toEqual({
        rejectUnauthorized: true,
        ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      });
      expect(() => imapMailboxSettings(`imaps://u:p@mail.example.net?tls_ca=${path.join(dir, 'missing.pem')}`)).toThrow(/CANARY_MAILBOX_URL: cannot read the CA file tls_ca=.*missing\.pem/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is shown without the password or the options', () => {
    expect(imapMailboxLocation('imaps://canary%40canary.test:S3cret@mail.example.net:993?tls_verify=false')).toBe('imaps://canary%40canary.test@mail.example.net:993');
    expect(imapMailboxLocation('imap://u:S3cret@[::1]')).toBe('imap://u@[::1]:143');
  });

  const secret = 'S3cret-Passw0rd';
  it.each([
    ['not a URL', `canary@canary.test ${secret}`, /CANARY_MAILBOX_URL: not a URL/],
    ['a password where the scheme goes', `${secret}:canary@mail.example.net`, /CANARY_MAILBOX_URL: the scheme must be imap:\/\/ or imaps:\/\//],
    ['another scheme', `pop3://canary:${secret}@mail.example.net`, /CANARY_MAILBOX_URL: the scheme must be imap:\/\/ or imaps:\/\//],
    ['no user', `imap://:${secret}@mail.example.net`, /CANARY_MAILBOX_URL: needs the mailbox's user and password/],
    ['no password', 'imap://canary@mail.example.net', /CANARY_MAILBOX_URL: needs the mailbox's user and password/],
    ['broken percent-encoding', `imap://canary:${secret}%zz@mail.example.net`, /CANARY_MAILBOX_URL: the user or the password is not valid percent-encoding/],
    ['a path', `imap://canary:${secret}@mail.example.net/INBOX`, /CANARY_MAILBOX_URL: takes no path/],
    ['an unknown option', `imap://canary:${secret}@mail.example.net?tls=off`, /CANARY_MAILBOX_URL: unknown option tls/],
    ['a bad tls_verify', `imap://canary:${secret}@mail.example.net?tls_verify=no`, /CANARY_MAILBOX_URL: tls_verify must be true or false/],
    ['a bad port', `imap://canary:${secret}@mail.example.net:99999`, /CANARY_MAILBOX_URL: not a URL/],
  ])('rejects %s with an error naming the setting, never the password', (_, url, message) => {
    let error: Error | undefined;
    try {
      createImapMailbox(url);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain(secret);
  });
});

describe('canaryToken', () => {
  it('reads the header, case-insensitively and unfolded', () => {
    expect(canaryToken(Buffer.from('X-Tayori-Canary: tok-1\r\n\r\n'))).toBe('tok-1');
    expect(canaryToken('x-tayori-canary:\r\n  tok-2 \r\n')).toBe('tok-2');
  });
  it('is null without the header or with an empty one', () => {
    expect(canaryToken(Buffer.from('Subject: hello\r\n\r\n'))).toBeNull();
    expect(canaryToken('X-Tayori-Canary: \r\n')).toBeNull();
    expect(canaryToken(undefined)).toBeNull();
  });
});
