import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { dkimTxtValue } from '../../lib/smtp/dkim-key';
import { openDatabase, type TestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { startMailSink, type MailSink } from '../support/mail-sink';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';
import { makeRollup } from '../support/rollups';
import { isolatedSite, startSite, type RunningSite } from '../support/site';

// A subscriber's whole life, against the production server, the notice worker process and an
// SMTP server run by the test: subscribe (no JavaScript) → confirm from the mail → an incident
// opens from measured delay → the notice arrives in their language → one-click unsubscribe →
// nothing more.
let site: RunningSite;
let worker: RunningWorker;
let sink: MailSink;
let db: TestDatabase;
const token = inject('ingestToken');
const common = { NOTICE_TOKEN_SECRET: 'notices-flow-secret-0123456789abcdef', NOTICE_FROM_ADDRESS: 'status@tayori.test', NOTICE_REPLY_TO: 'support@tayori.test' };

beforeAll(async () => {
  sink = await startMailSink();
  const isolated = isolatedSite('notices-flow');
  db = openDatabase(isolated.DATABASE_URL);
  await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
  site = await startSite({ ...isolated, ...common, SMTP_URL: sink.url, AUTO_RESOLVE_MINUTES: '600', RULE_TICK_SECONDS: '1' }, { worker: false });
  worker = startNoticeWorker({ ...isolated, ...common, SMTP_URL: sink.url, SITE_URL: site.url, AUTO_RESOLVE_MINUTES: '600', RULE_TICK_SECONDS: '1' });
});
afterAll(async () => {
  await worker?.kill();
  await db?.$disconnect();
  await site?.stop();
  await sink?.stop();
});

const WINDOW = 10_000;
const base = Math.floor((Date.now() - 9 * 60_000) / WINDOW) * WINDOW;
let next = 0;
async function push(delaySeconds: number, windows: number) {
  const rollups = [];
  for (let i = 0; i < windows; i++, next++) rollups.push(makeRollup('mx-test', new Date(base + next * WINDOW), Array(20).fill(delaySeconds)));
  const res = await fetch(`${site.url}/api/ingest/mail-metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ rollups }) });
  expect(res.status).toBe(200);
}

const subscribers = () => db.subscriber.findMany({ orderBy: { email: 'asc' }, select: { email: true, status: true, lang: true } });
const unfold = (raw: string) => raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
const mailsTo = (address: string) => sink.messages.filter((m) => m.to === address);

/** DKIM as a receiver checks it (mailauth), against the record for the key the install generated in DATA_DIR. */
async function dkim(raw: string) {
  const record = dkimTxtValue(readFileSync(path.join(inject('siteDataDir'), 'dkim', 'tayori.private.pem'), 'utf8'));
  const resolver = async (name: string) => (name === 'tayori._domainkey.tayori.test' ? [[record]] : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })));
  const { results } = await dkimVerify(Buffer.from(raw, 'utf8'), { resolver });
  return results.map((r) => ({ result: r.status.result, domain: r.signingDomain, aligned: r.status.aligned }));
}

describe('subscribing', () => {
  it('accepts the form without JavaScript and answers the same for a new and a known address', async () => {
    const alice = await submitForm(`${site.url}/subscribe`, 'subscribe-form', [['email', 'Alice@Example.test'], ['noticeLang', 'ja'], ['scope', 'all']]);
    expect(alice.status).toBe(200);
    expect(alice.html).toContain('確認メールをお送りしました');
    const bob = await submitForm(`${site.url}/en/subscribe`, 'subscribe-form', [['email', 'bob@example.test'], ['noticeLang', 'en'], ['scope', 'chosen'], ['component', 'mail-inbound']]);
    expect(bob.html).toContain('We sent a confirmation mail');
    const carol = await submitForm(`${site.url}/subscribe`, 'subscribe-form', [['email', 'carol@example.test'], ['noticeLang', 'ja'], ['scope', 'chosen'], ['component', 'dns']]);
    expect(carol.html).toContain('確認メールをお送りしました');
    // Asking again for a pending address inside the cool-down: same words, no second mail.
    const again = await submitForm(`${site.url}/subscribe`, 'subscribe-form', [['email', 'alice@example.test'], ['noticeLang', 'ja'], ['scope', 'all']]);
    expect(again.html).toContain('確認メールをお送りしました');
    expect((await subscribers()).map((s) => [s.email, s.status, s.lang])).toEqual([
      ['alice@example.test', 'pending', 'ja'],
      ['bob@example.test', 'pending', 'en'],
      ['carol@example.test', 'pending', 'ja'],
    ]);
  });

  it('shows errors next to the field and stores nothing for bad input', async () => {
    const long = await submitForm(`${site.url}/subscribe`, 'subscribe-form', [['email', `${'a'.repeat(65)}@example.test`], ['scope', 'all']]);
    expect(long.html).toMatch(/id="subscribe-email-error"[^>]*>メールアドレスが長すぎます/);
    const crlf = await submitForm(`${site.url}/en/subscribe`, 'subscribe-form', [['email', 'eve@example.test\r\nBcc: all@example.test'], ['scope', 'all']]);
    expect(crlf.html).toContain('cannot contain line breaks');
    const unknown = await submitForm(`${site.url}/en/subscribe`, 'subscribe-form', [['email', 'eve@example.test'], ['scope', 'chosen'], ['component', 'no-such-service']]);
    expect(unknown.html).toMatch(/id="subscribe-components-error"[^>]*>One of the chosen services does not exist/);
    const huge = await submitForm(`${site.url}/subscribe`, 'subscribe-form', [['email', 'x'.repeat(200_000)], ['scope', 'all']]);
    expect(huge.status).toBeLessThan(500);
    expect((await subscribers())).toHaveLength(3);
  });

  it('confirms with the button of the page the mail links to, in the subscriber language, and says so when the link is used again', async () => {
    const mail = await sink.waitFor((m) => m.to === 'alice@example.test', 'alice confirmation');
    expect(mail.parsed.subject).toContain('配信登録のご確認');
    expect(mailsTo('alice@example.test')).toHaveLength(1);
    const link = /(http:\/\/\S+\/subscribe\/confirm\?token=\S+)/.exec(mail.parsed.text ?? '')![1]!;
    // Opening the link changes nothing (mail scanners open links too): its page's button confirms.
    const page = await submitForm(link, 'confirm-form', []);
    expect(page.html).toContain('登録が完了しました');
    const replay = await (await fetch(link)).text();
    expect(replay).toContain('この配信登録はすでに完了しています');

    const bobMail = await sink.waitFor((m) => m.to === 'bob@example.test', 'bob confirmation');
    expect(bobMail.parsed.subject).toContain('[Confirm]');
    const bobLink = /(http:\/\/\S+\/en\/subscribe\/confirm\?token=\S+)/.exec(bobMail.parsed.text ?? '')![1]!;
    expect((await submitForm(bobLink, 'confirm-form', [])).html).toContain('You are subscribed');
    const carolMail = await sink.waitFor((m) => m.to === 'carol@example.test', 'carol confirmation');
    await submitForm(/(http:\/\/\S+\/subscribe\/confirm\?token=\S+)/.exec(carolMail.parsed.text ?? '')![1]!, 'confirm-form', []);
    expect((await subscribers()).map((s) => s.status)).toEqual(['active', 'active', 'active']);
  });
});

describe('notices', () => {
  it('sends 【障害発生】 in Japanese and [Incident] in English when an incident opens, only to those who follow the component', async () => {
    await push(2, 3);
    await push(12 * 60, 2);
    const ja = await sink.waitFor((m) => m.to === 'alice@example.test' && /障害発生/.test(m.parsed.subject ?? ''), 'alice incident notice');
    expect(ja.parsed.subject).toBe('【障害発生】メール受信の遅延');
    expect(ja.raw).toMatch(/^Subject: =\?UTF-8\?/im);
    expect(ja.parsed.from?.value[0]).toEqual({ name: 'Tayori ステータス', address: 'status@tayori.test' });
    expect(ja.parsed.replyTo?.value[0]?.address).toBe('support@tayori.test');
    expect(ja.parsed.messageId).toMatch(/^<[a-z0-9]+\.[a-z0-9]+@tayori\.test>$/);
    expect(ja.parsed.date).toBeInstanceOf(Date);
    expect(ja.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    // One List-Unsubscribe header with the https URL and the mailto (RFC 2369, RFC 8058).
    expect(ja.raw.match(/^List-Unsubscribe:/gm)).toHaveLength(1);
    expect(unfold(ja.raw)).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/api\/unsubscribe\?token=[^>]+>, <mailto:status@tayori\.test\?subject=[^>]+>\r?$/m);
    expect(ja.parsed.text).toContain('■ 影響を受けるサービス: メール受信');
    expect(ja.parsed.text).toContain('約12分');
    expect(ja.parsed.text).toMatch(/配信停止: http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?token=/);
    expect(ja.parsed.html).toContain('配信停止</a>');

    const en = await sink.waitFor((m) => m.to === 'bob@example.test' && /Incident/.test(m.parsed.subject ?? ''), 'bob incident notice');
    expect(en.parsed.subject).toBe('[Incident] Delays in mail reception');
    expect(en.parsed.from?.value[0]?.name).toBe('Tayori Status');
    expect(en.parsed.text).toContain('Affected services: Mail reception');
    expect(en.parsed.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:\d+\/en\/unsubscribe\?token=/);

    const deliveries = await db.noticeDelivery.findMany({ orderBy: { subscriber: { email: 'asc' } }, select: { status: true, subscriber: { select: { email: true } } } });
    expect(deliveries.map((d) => ({ email: d.subscriber.email, status: d.status }))).toEqual([
      { email: 'alice@example.test', status: 'sent' },
      { email: 'bob@example.test', status: 'sent' },
    ]);
    expect(mailsTo('carol@example.test')).toHaveLength(1); // her confirmation only: she follows DNS

    // With no DKIM setting, the notices (worker) and the confirmations (site) are signed with the
    // one key generated in DATA_DIR, for the From domain.
    const signed = [{ result: 'pass', domain: 'tayori.test', aligned: 'tayori.test' }];
    expect(await dkim(ja.raw)).toEqual(signed);
    expect(await dkim(en.raw)).toEqual(signed);
    expect(await dkim(mailsTo('carol@example.test')[0]!.raw)).toEqual(signed);
  });

  it('unsubscribes with one RFC 8058 POST, after which no further notice reaches that address', async () => {
    const notice = mailsTo('alice@example.test').find((m) => /障害発生/.test(m.parsed.subject ?? ''))!;
    const oneClick = /^List-Unsubscribe: <(http:[^>]+)>/m.exec(unfold(notice.raw))![1]!;
    const res = await fetch(oneClick, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    expect((await subscribers()).find((s) => s.email === 'alice@example.test')!.status).toBe('unsubscribed');

    const before = mailsTo('alice@example.test').length;
    await push(45 * 60, 2);
    const update = await sink.waitFor((m) => m.to === 'bob@example.test' && /\[Update\]/.test(m.parsed.subject ?? ''), 'bob update notice');
    expect(update.parsed.text).toContain('about 45 min');
    expect(mailsTo('alice@example.test')).toHaveLength(before);
    expect(await db.noticeDelivery.count({ where: { subscriber: { email: 'alice@example.test' } } })).toBe(1);
  });

  it('lets a subscriber change language and services from the manage link in a notice', async () => {
    const notice = mailsTo('bob@example.test').find((m) => /\[Update\]/.test(m.parsed.subject ?? ''))!;
    const manage = /Change your subscription: (http:\/\/\S+)/.exec(notice.parsed.text ?? '')![1]!;
    const page = await (await fetch(manage)).text();
    expect(page).toContain('Notices sent to bob@example.test.');
    const box = (slug: string) => new RegExp(`<input[^>]*name="component"[^>]*value="${slug}"[^>]*>`).exec(page)?.[0] ?? '';
    expect(box('mail-inbound')).toContain('checked');
    expect(box('dns')).not.toContain('checked');
    const saved = await submitForm(manage, 'manage-form', [['noticeLang', 'ja'], ['scope', 'chosen'], ['component', 'mail-inbound'], ['group', 'platform']]);
    expect(saved.html).toContain('Your subscription was saved.');
    expect((await subscribers()).find((s) => s.email === 'bob@example.test')!.lang).toBe('ja');
    const groups = await db.subscriberGroup.findMany({ where: { subscriber: { email: 'bob@example.test' } }, select: { group: { select: { slug: true } } } });
    expect(groups.map((g) => g.group.slug)).toEqual(['platform']);
  });

  it('refuses an expired confirmation link', async () => {
    await submitForm(`${site.url}/en/subscribe`, 'subscribe-form', [['email', 'dave@example.test'], ['noticeLang', 'en'], ['scope', 'all']]);
    const mail = await sink.waitFor((m) => m.to === 'dave@example.test', 'dave confirmation');
    await db.subscriber.update({ where: { email: 'dave@example.test' }, data: { confirmExpiresAt: new Date('2020-01-01T00:00:00Z') } });
    const link = /(http:\/\/\S+\/en\/subscribe\/confirm\?token=\S+)/.exec(mail.parsed.text ?? '')![1]!;
    expect(await (await fetch(link)).text()).toContain('This link has expired');
    expect((await subscribers()).find((s) => s.email === 'dave@example.test')!.status).toBe('pending');
  });

  it('refuses a forged or revoked one-click link', async () => {
    const res = await fetch(`${site.url}/api/unsubscribe?token=abc.1.${'A'.repeat(43)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(404);
  });
});
