import { request } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signManageToken } from '../../../lib/subscribers/tokens';
import { openDatabase, type TestDatabase } from '../../support/database';
import { hiddenFields } from '../../support/forms';
import { isolatedSite, startSite, type RunningSite } from '../../support/site';

// Mail security gateways and chat unfurlers open every link in a message before the person does
// (a GET, sometimes several). Links in mail and webhook payloads must therefore change nothing on
// GET: they open a page whose button (a POST) acts. A second press says what happened the first
// time, and every redirect points at SITE_URL in the reader's language, whatever Host the request
// carried (behind nginx it is the upstream's, e.g. localhost:3500).
let site: RunningSite;
let db: TestDatabase;
const SITE_URL = 'https://status.example.test';
const SECRET = 'links-secret-0123456789abcdef0123456789';

beforeAll(async () => {
  const isolated = isolatedSite('links-scanner-safe');
  db = openDatabase(isolated.DATABASE_URL);
  site = await startSite({ ...isolated, SITE_URL, NOTICE_TOKEN_SECRET: SECRET, SMTP_URL: 'smtp://127.0.0.1:9', RULE_TICK_SECONDS: '300' });
});
afterAll(async () => {
  await db?.$disconnect();
  await site?.stop();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const prefix = (lang: 'ja' | 'en') => (lang === 'en' ? '/en' : '');
const statusOf = async (email: string) => (await db.subscriber.findUniqueOrThrow({ where: { email } })).status;

/** A subscriber who asked to subscribe and holds the confirmation mail's link. */
async function pendingSubscriber(email: string, lang: 'ja' | 'en'): Promise<string> {
  const token = newToken();
  await db.subscriber.create({ data: { email, lang, status: 'pending', confirmTokenHash: sha256(token), confirmExpiresAt: new Date(Date.now() + 3600_000), confirmSentAt: new Date() } });
  return `${site.url}${prefix(lang)}/subscribe/confirm?token=${token}`;
}

/** Posts a page's form as a browser without JavaScript does. */
async function press(pageUrl: string, fields: [string, string][]): Promise<string> {
  const body = new FormData();
  for (const [k, v] of fields) body.append(k, v);
  const res = await fetch(pageUrl, { method: 'POST', body, redirect: 'manual' });
  expect(res.status).toBe(200);
  return res.text();
}

/** A GET with the Host (and forwarded headers) a proxy in front would send. */
function getWithHost(path: string, headers: Record<string, string>): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: site.port, path, method: 'GET', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

const WORDS = {
  ja: { button: '登録を完了する', confirmed: '登録が完了しました', already: 'この配信登録はすでに完了しています' },
  en: { button: 'Confirm the subscription', confirmed: 'You are subscribed', already: 'This subscription is already confirmed' },
} as const;

describe('the confirmation link in the mail', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(`changes nothing when a scanner opens it, confirms on the button, and says "already confirmed" after (${lang})`, async () => {
      const email = `confirm-${lang}@example.test`;
      const link = await pendingSubscriber(email, lang);

      // The scanner: two GETs, as gateways often re-check.
      for (let i = 0; i < 2; i++) {
        const res = await fetch(link);
        expect(res.status).toBe(200);
        const html = await res.text();
        expect(html).toContain(WORDS[lang].button);
        expect(html).not.toContain(WORDS[lang].confirmed);
      }
      expect(await statusOf(email)).toBe('pending');

      // The person presses the button.
      const fields = hiddenFields(await (await fetch(link)).text(), 'confirm-form');
      const confirmed = await press(link, fields);
      expect(confirmed).toContain(WORDS[lang].confirmed);
      expect(await statusOf(email)).toBe('active');
      // The page links to the subscription's own manage page.
      expect(confirmed).toMatch(new RegExp(`href="${prefix(lang)}/subscriptions/manage\\?token=[^"]+"`));

      // Pressed again (a second tab, the back button) and opened again: said as it is.
      const again = await press(link, fields);
      expect(again).toContain(WORDS[lang].already);
      expect(again).not.toContain('このリンクは無効');
      expect(again).not.toContain('not valid');
      const reopened = await (await fetch(link)).text();
      expect(reopened).toContain(WORDS[lang].already);
      expect(reopened).not.toContain(WORDS[lang].button);
      expect(await statusOf(email)).toBe('active');
    });
  }

  it('still refuses an expired or unknown link, on GET and on the button, without changing anything', async () => {
    const link = await pendingSubscriber('late@example.test', 'en');
    const fields = hiddenFields(await (await fetch(link)).text(), 'confirm-form');
    await db.subscriber.update({ where: { email: 'late@example.test' }, data: { confirmExpiresAt: new Date('2020-01-01T00:00:00Z') } });
    expect(await (await fetch(link)).text()).toContain('This link has expired');
    expect(await press(link, fields)).toContain('This link has expired');
    expect(await statusOf('late@example.test')).toBe('pending');
    expect(await (await fetch(`${site.url}/subscribe/confirm?token=${newToken()}`)).text()).toContain('このリンクは無効');
  });
});

describe('the unsubscribe link', () => {
  async function activeSubscriber(email: string, lang: 'ja' | 'en') {
    const row = await db.subscriber.create({ data: { email, lang, status: 'active', allComponents: true, confirmedAt: new Date() } });
    return signManageToken(row.id, row.tokenVersion, 'subscriber', SECRET);
  }

  it('GET /api/unsubscribe redirects to SITE_URL’s page in the subscriber’s language, whatever the Host header, and unsubscribes nobody', async () => {
    const ja = await activeSubscriber('leave-ja@example.test', 'ja');
    const en = await activeSubscriber('leave-en@example.test', 'en');
    const hosts: Record<string, string>[] = [
      { host: 'localhost:3500' },
      { host: 'localhost:3500', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
      { host: 'evil.example' },
    ];
    for (const headers of hosts) {
      const jaAnswer = await getWithHost(`/api/unsubscribe?token=${encodeURIComponent(ja)}`, headers);
      expect(jaAnswer.status, JSON.stringify(headers)).toBe(303);
      expect(jaAnswer.location, JSON.stringify(headers)).toBe(`${SITE_URL}/unsubscribe?token=${encodeURIComponent(ja)}`);
      const enAnswer = await getWithHost(`/api/unsubscribe?token=${encodeURIComponent(en)}`, headers);
      expect(enAnswer.location, JSON.stringify(headers)).toBe(`${SITE_URL}/en/unsubscribe?token=${encodeURIComponent(en)}`);
    }
    // A forged token still lands on SITE_URL's page, which then says the link is not valid.
    expect((await getWithHost('/api/unsubscribe?token=forged', { host: 'localhost:3500' })).location).toBe(`${SITE_URL}/unsubscribe?token=forged`);
    expect(await statusOf('leave-ja@example.test')).toBe('active');
    expect(await statusOf('leave-en@example.test')).toBe('active');

    // The page it leads to asks first, too.
    const page = await (await fetch(`${site.url}/en/unsubscribe?token=${encodeURIComponent(en)}`)).text();
    expect(page).toContain('Stop sending notices to leave-en@example.test?');
    expect(await statusOf('leave-en@example.test')).toBe('active');
  });

  it('still unsubscribes at once on the RFC 8058 one-click POST', async () => {
    const token = await activeSubscriber('one-click@example.test', 'ja');
    const res = await fetch(`${site.url}/api/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await statusOf('one-click@example.test')).toBe('unsubscribed');
  });
});

describe('the confirm_url sent to a new webhook', () => {
  async function pendingEndpoint(lang: 'ja' | 'en') {
    const token = newToken();
    const endpoint = await db.webhookEndpoint.create({
      data: { url: 'https://hooks.example.test/tayori', secret: 'whsec_test', lang, confirmTokenHash: sha256(token), confirmExpiresAt: new Date(Date.now() + 3600_000), manageTokenHash: sha256(newToken()) },
    });
    return { id: endpoint.id, url: `${site.url}/api/webhooks/confirm?token=${token}` };
  }
  const endpointStatus = async (id: string) => (await db.webhookEndpoint.findUniqueOrThrow({ where: { id } })).status;

  it('changes nothing on GET (a chat unfurler, a scanner), activates on POST, and says "already_confirmed" after', async () => {
    const { id, url } = await pendingEndpoint('en');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const html = await res.text();
      // A person who opens it gets a button that posts to the same URL.
      expect(html).toMatch(/<form[^>]*method="post"/i);
      expect(html).toContain('Activate the webhook');
    }
    expect(await endpointStatus(id)).toBe('pending');

    const confirm = await fetch(url, { method: 'POST' });
    expect(confirm.status).toBe(200);
    expect(await confirm.json()).toEqual({ result: 'confirmed' });
    expect(await endpointStatus(id)).toBe('active');

    const again = await fetch(url, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ result: 'already_confirmed' });
    expect(await (await fetch(url)).text()).toContain('already active');
  });

  it('answers the button of a browser with a page in the endpoint’s language', async () => {
    const { id, url } = await pendingEndpoint('ja');
    const res = await fetch(url, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Webhookを有効にしました');
    expect(await endpointStatus(id)).toBe('active');
  });
});
