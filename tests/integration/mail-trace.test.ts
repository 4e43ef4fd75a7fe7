// "Where is my mail?" against a real MTA: one scan slot with a slow built-in scanner (so a message
// can be caught waiting for the check), a smarthost that cannot be reached (so relayed mail is
// deferred), and the site asking the MTA's admin API. Each stage is read off the page as a
// customer submits the form (without JavaScript, as tests/support/forms.ts does); a wrong
// recipient must read exactly as an unknown message; nothing of the message's subject or sender
// may be in the page; bad input, floods and an unreachable MTA get their own clear answers.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitForm } from '../support/forms';
import { copyDatabase, freePort, startSite, type RunningSite } from '../support/site';
import { DEMO, startMta, waitFor, type MtaProcess } from './mta/helpers';

const LIMIT = 14;
const SUBJECT = 'Quarterly numbers for Tanaka-san';
const SENDER = 'cfo.private@partner.example';

let site: RunningSite;
let mta: MtaProcess;
const sent: Record<'deferred' | 'delivered' | 'waiting', { messageId: string; to: string }> = {} as never;

const send = async (to: string, subject = SUBJECT) => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true });
  const info = await transport.sendMail({ from: `Ms. CFO <${SENDER}>`, to, subject, text: 'the figures are attached' });
  return { messageId: info.messageId, to };
};
const stageAtMta = async (m: { messageId: string; to: string }) => (await mta.api('POST', '/api/trace', { message_id: m.messageId, recipient: m.to })).json?.stage as string | undefined;
const lookUp = (messageId: string, recipient: string, lang: 'ja' | 'en' = 'ja') =>
  submitForm(`${site.url}${lang === 'en' ? '/en' : ''}/mail/trace`, 'mail-trace-form', [['messageId', messageId], ['recipient', recipient]]);
/** The answer's section of the page, or '' when there is none. */
const resultOf = (html: string) => /<section[^>]*data-testid="mail-trace-result"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
const stageOf = (html: string) => /data-testid="mail-trace-result"[^>]*data-stage="([^"]+)"|data-stage="([^"]+)"[^>]*data-testid="mail-trace-result"/.exec(html)?.slice(1).find(Boolean);
const api = (body: unknown) => fetch(`${site.url}/api/mail/trace`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  mta = await startMta({
    env: {
      // The test relays from loopback without logging in; nothing listens on the smarthost's port.
      MTA_TRUSTED_NETWORKS: '127.0.0.1/32',
      SMTP_RELAY_URL: `smtp://127.0.0.1:${await freePort()}`,
      MTA_BACKOFF_MIN_S: '600',
      MTA_SCAN_CONCURRENCY: '1',
      MTA_BUILTIN_SCAN_COST_MS: '2500',
    },
  });
  site = await startSite(
    { DATABASE_URL: copyDatabase('mail-trace'), MTA_ADMIN_URL: `http://127.0.0.1:${mta.httpPort}`, MTA_ADMIN_TOKEN: mta.adminToken, MAIL_TRACE_LIMIT_PER_IP_PER_HOUR: String(LIMIT) },
    { worker: false },
  );
  // One scan at a time, 2.5 s each: the relayed message first, then the local one, then the one
  // that is still waiting for the check while the first lookups are made.
  sent.deferred = await send('partner@remote.example');
  sent.delivered = await send(`user1@${DEMO}`);
  sent.waiting = await send(`user2@${DEMO}`);
});

afterAll(async () => {
  await site?.stop();
  await mta?.stop();
});

describe('where is my mail?', () => {
  it('is linked from the inbound mail section of the status page, in both languages', async () => {
    const inbound = (html: string) => /<section[^>]*data-flow="inbound"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(inbound(await (await fetch(`${site.url}/`)).text())).toContain('<a href="/mail/trace">自分宛てのメールの配送状況を確認する');
    expect(inbound(await (await fetch(`${site.url}/en`)).text())).toContain('<a href="/en/mail/trace">Where is my mail? Check a message');
  });

  it('shows each stage: waiting for the check, delivered with the delay, deferred with why and when next; never the subject or the sender', async () => {
    const waiting = await lookUp(sent.waiting.messageId, sent.waiting.to);
    expect(waiting.status).toBe(200);
    expect(stageOf(waiting.html)).toBe('scan_waiting');
    expect(resultOf(waiting.html)).toContain('受け付け済みで、迷惑メール・ウイルス検査の順番を待っています。');
    expect(resultOf(waiting.html)).toMatch(/<dt>受け付け<\/dt><dd><time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00">\d{4}年\d+月\d+日\(.\) \d\d:\d\d:\d\d<\/time>/i);

    await waitFor('the local message delivered', async () => (await stageAtMta(sent.delivered)) === 'delivered', 30_000, 250);
    const delivered = await lookUp(`<${sent.delivered.messageId.replace(/^<|>$/g, '')}>`, sent.delivered.to.toUpperCase(), 'en');
    expect(stageOf(delivered.html)).toBe('delivered');
    expect(resultOf(delivered.html)).toContain('Delivered.');
    expect(resultOf(delivered.html)).toMatch(/\d+ s from receipt to delivery/);
    expect(resultOf(delivered.html)).toContain('Check finished');

    await waitFor('the relayed message deferred', async () => (await stageAtMta(sent.deferred)) === 'deferred', 30_000, 250);
    const deferred = await lookUp(sent.deferred.messageId, sent.deferred.to);
    expect(stageOf(deferred.html)).toBe('deferred');
    expect(resultOf(deferred.html)).toContain('配送できず、あとで再送します。');
    expect(resultOf(deferred.html)).toContain('宛先のメールサーバーに接続できませんでした。');
    expect(resultOf(deferred.html)).toContain('次の再送予定');

    for (const { html } of [waiting, delivered, deferred]) {
      // (The Message-ID the customer typed, shown again in the form, names the sender's domain: their own input.)
      expect(html).not.toContain(SUBJECT);
      expect(html).not.toContain('cfo.private');
      expect(html).not.toContain('Ms. CFO');
      expect(html).not.toContain('the figures are attached');
    }
  });

  it('answers a real Message-ID with the wrong recipient exactly as a message it never saw', async () => {
    const wrongRecipient = await lookUp(sent.delivered.messageId, `user3@${DEMO}`);
    const unknown = await lookUp(`<never-sent-${Date.now()}@partner.example>`, `user1@${DEMO}`);
    expect(stageOf(unknown.html)).toBe('not_seen');
    expect(resultOf(unknown.html)).toContain('このメールは当社のメールシステムでは確認できませんでした。');
    expect(resultOf(wrongRecipient.html)).toBe(resultOf(unknown.html));
  });

  it('refuses bad input with an error per field, in both languages, without asking the MTA', async () => {
    const empty = await lookUp('', '');
    expect(resultOf(empty.html)).toBe('');
    expect(empty.html).toContain('Message-ID を入力してください。');
    expect(empty.html).toContain('受信者のメールアドレスを入力してください。');
    const malformed = await lookUp('not a message id', 'nobody', 'en');
    expect(malformed.html).toContain('This is not a valid Message-ID (e.g. &lt;abc123@example.com&gt;).');
    expect(malformed.html).toContain('This is not a valid email address.');
    const enormous = await lookUp(`<${'x'.repeat(200_000)}@example.org>`, `${'y'.repeat(5000)}@example.org`, 'en');
    expect(enormous.html).toContain('The Message-ID is too long (998 characters at most).');
    expect(enormous.html).toContain('The address is too long');
    expect(resultOf(enormous.html)).toBe('');

    const json = await api({ message_id: 'nope', recipient: '' });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request', issues: [{ field: 'message_id', code: 'invalid' }, { field: 'recipient', code: 'required' }] });
    const answer = await api({ message_id: sent.delivered.messageId, recipient: sent.delivered.to });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toContain('no-store');
    expect(await answer.json()).toMatchObject({ found: true, stage: 'delivered' });
  });

  it('says when the mail system cannot be asked, never "not seen"', async () => {
    await mta.stop();
    const down = await lookUp(sent.delivered.messageId, sent.delivered.to);
    expect(down.html).toContain('現在メールシステムに問い合わせできないため、確認できません。');
    expect(resultOf(down.html)).toBe('');
    expect((await api({ message_id: sent.delivered.messageId, recipient: sent.delivered.to })).status).toBe(503);
  });

  it('limits lookups per client: 429 from the API, a clear message on the page', async () => {
    let refused: Response | undefined;
    for (let i = 0; i <= LIMIT && !refused; i++) {
      const res = await api({ message_id: `flood-${i}@partner.example`, recipient: `user1@${DEMO}` });
      if (res.status === 429) refused = res;
    }
    expect(refused?.status).toBe(429);
    expect(await refused!.json()).toMatchObject({ error: 'rate_limited' });
    const page = await lookUp(sent.delivered.messageId, sent.delivered.to, 'en');
    expect(page.html).toContain('Too many lookups in a short time. Please try again later.');
    expect(resultOf(page.html)).toBe('');
  });
});
