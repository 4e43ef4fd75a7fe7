import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';

// The headers a notice leaves with, read back by a real parser as a receiving provider reads them.

// A default install on a public https site: the settings before any module reads them.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tayori-notice-mail-'));
Object.assign(process.env, {
  SITE_URL: 'https://status.example.jp',
  NOTICE_FROM_ADDRESS: '',
  NOTICE_REPLY_TO: '',
  NOTICE_UNSUBSCRIBE_MAILTO: '',
  NOTICE_TOKEN_SECRET: 'notice-mail-test-secret-0123456789abcdef',
  SITE_NAME_EN: '',
  DATA_DIR: dataDir,
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { noticeCopy, noticeListId, noticeSettingsWarnings, prepareNotice } = await import('./notice-mail');
const { subscriberLinks } = await import('../../subscribers/links');
const { composeDirectMail } = await import('../../mime/direct-mail');

/** mailparser gathers the List-* headers into one "list" entry, parsed. */
type ListHeaders = { id?: { name: string; id: string }; unsubscribe?: { url: string; mail: string }; 'unsubscribe-post'?: { name: string } };
const list = (mail: ParsedMail) => (mail.headers.get('list') ?? {}) as ListHeaders;

const content = { subject: '【障害発生】メール受信の遅延', text: 'メール受信に遅延が発生しております。', html: '<p>メール受信に遅延が発生しております。</p>' };

describe('a notice copy', () => {
  const prepared = prepareNotice(content, 'ja', { id: 'n1', kind: 'incident_opened' });
  const copy = noticeCopy(prepared, 'alice@example.ne.jp', '<n1.s1@status.example.jp>', subscriberLinks('s1', 1, 'ja'), { subscriberId: 's1', noticeId: 'n1' });

  it('names the site’s domain in the envelope sender, From, Message-ID and List-Id', async () => {
    // The return path is the copy's own (VERP), at the same domain.
    expect(copy.envelope).toEqual({ from: expect.stringMatching(/^bounces\+s1\.n1\.[0-9a-f]{16}@status\.example\.jp$/), to: ['alice@example.ne.jp'] });
    const mail = await simpleParser(copy.raw);
    expect(mail.from?.value[0]?.address).toBe('status@status.example.jp');
    expect(mail.messageId).toBe('<n1.s1@status.example.jp>');
    expect(list(mail).id).toEqual({ name: 'Tayori Status', id: 'notices.status.example.jp' });
  });

  it('carries one-click unsubscribe at an https URL and a mailto, and a Feedback-ID naming the notice', async () => {
    const mail = await simpleParser(copy.raw);
    const unsubscribe = list(mail).unsubscribe!;
    expect(unsubscribe.url).toMatch(/^https:\/\/status\.example\.jp\/api\/unsubscribe\?token=/);
    expect(unsubscribe.mail).toMatch(/^status@status\.example\.jp\?subject=unsubscribe%20s1$/);
    expect(list(mail)['unsubscribe-post']).toEqual({ name: 'List-Unsubscribe=One-Click' });
    // Gmail's form: up to four colon-separated fields, the sender's own id last.
    expect(mail.headers.get('feedback-id')).toBe('incident_opened:n1:tayori:status.example.jp');
    expect(mail.headers.get('precedence')).toBe('bulk');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
  });
});

describe('List-Id', () => {
  it('describes the list by the site’s English name when it is ASCII, quoted where it must be', () => {
    const settings = { SITE_URL: 'https://status.example.jp', NOTICE_FROM_ADDRESS: undefined };
    expect(noticeListId({ ...settings, SITE_NAME_EN: 'Example Hosting Status' })).toBe('Example Hosting Status <notices.status.example.jp>');
    expect(noticeListId({ ...settings, SITE_NAME_EN: 'Example, Inc. "Status"' })).toBe('"Example, Inc. \\"Status\\"" <notices.status.example.jp>');
    expect(noticeListId({ ...settings, SITE_NAME_EN: 'エグザンプル Status' })).toBe('Tayori Status <notices.status.example.jp>');
    expect(noticeListId({ ...settings, NOTICE_FROM_ADDRESS: 'noreply@mail.example.jp', SITE_NAME_EN: 'Tayori Status' })).toBe('Tayori Status <notices.mail.example.jp>');
  });
});

describe('a confirmation', () => {
  it('leaves from the site’s domain with a Feedback-ID of its own and no list headers', async () => {
    const options = composeDirectMail({ subject: '【確認】配信登録のご確認', text: 'x', html: '<p>x</p>' }, 'ja', 'bob@example.ne.jp');
    const info = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(options);
    expect(info.envelope).toEqual({ from: 'status@status.example.jp', to: ['bob@example.ne.jp'] });
    const mail = await simpleParser(info.message as Buffer);
    expect(mail.headers.get('feedback-id')).toBe('subscription:tayori:status.example.jp');
    expect(mail.headers.has('list')).toBe(false);
  });
});

describe('start-up warnings about notices', () => {
  it('say nothing for a public https site', () => {
    expect(noticeSettingsWarnings({ SITE_URL: 'https://status.example.jp', NOTICE_FROM_ADDRESS: undefined })).toEqual([]);
  });

  it('say when the unsubscribe link is not https, and when the identity is localhost', () => {
    expect(noticeSettingsWarnings({ SITE_URL: 'http://status.example.jp', NOTICE_FROM_ADDRESS: undefined })).toEqual([
      expect.stringMatching(/^SITE_URL is http:\/\/status\.example\.jp, not https: .*List-Unsubscribe/),
    ]);
    const local = noticeSettingsWarnings({ SITE_URL: 'http://127.0.0.1:3000', NOTICE_FROM_ADDRESS: undefined });
    expect(local).toEqual([expect.stringContaining('status@localhost'), expect.stringContaining('not https')]);
  });
});
