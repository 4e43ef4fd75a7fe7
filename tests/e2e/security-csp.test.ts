import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signManageToken } from '../../lib/subscribers/tokens';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { startMailSink, type MailSink } from '../support/mail-sink';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

// Every kind of page, in Chromium, under the site's Content-Security-Policy: the browser reports
// each thing the policy blocks (a securitypolicyviolation event, and a console message), and none
// may be reported while the pages, their forms, the charts, the console with its previews and the
// widget on a customer's site do their work. The first test shows the policy is enforced at all.
let site: RunningSite;
let sink: MailSink;
let db: TestDatabase;
let browser: Browser;
let visitor: BrowserContext;
let page: Page;
let customer: Server;
let customerUrl: string;
const SECRET = 'security-csp-secret-0123456789abcdef0123';
const violations: string[] = [];
const IMAGE_MARKDOWN = '遅延が続いています。\n\n![追跡画像](https://evil.example/pixel.gif) ![ロゴ](/favicon.svg)';
let incidentId = '';
let confirmToken = '';
let manageToken = '';

/** Records what the browser blocks on every page of a context, frames included. */
async function watch(context: BrowserContext) {
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
    violations.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} on ${e.documentURI}`);
    });
  });
  context.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
}

/** Opens a page of the site and checks it came with the policy. */
async function open(p: Page, path: string) {
  const res = await p.goto(`${site.url}${path}`);
  expect(res?.status(), path).toBeLessThan(400);
  expect(res?.headers()['content-security-policy'], path).toContain("object-src 'none'");
}

beforeAll(async () => {
  sink = await startMailSink();
  const isolated = isolatedSite('security-csp');
  db = openDatabase(isolated.DATABASE_URL);
  const now = new Date();
  const incident = await db.incident.create({
    data: {
      slug: 'csp-image-update',
      titleJa: '受信遅延（画像つき）',
      titleEn: 'Inbound delay (with images)',
      impact: 'minor',
      status: 'identified',
      startedAt: now,
      updates: { create: { status: 'identified', bodyJa: IMAGE_MARKDOWN, bodyEn: 'Delayed. ![tracker](https://evil.example/pixel.gif)', displayAt: now } },
    },
  });
  incidentId = incident.id;
  confirmToken = randomBytes(32).toString('base64url');
  await db.subscriber.create({
    data: { email: 'pending@example.test', lang: 'ja', status: 'pending', confirmTokenHash: createHash('sha256').update(confirmToken).digest('hex'), confirmExpiresAt: new Date(Date.now() + 3600_000) },
  });
  const active = await db.subscriber.create({ data: { email: 'reader@example.test', lang: 'ja', status: 'active', allComponents: true, confirmedAt: now } });
  manageToken = signManageToken(active.id, active.tokenVersion, 'subscriber', SECRET);
  site = await startSite({ ...isolated, NOTICE_TOKEN_SECRET: SECRET, SMTP_URL: sink.url, RULE_TICK_SECONDS: '300' });

  // A customer's page on another origin that embeds the widget, under a strict policy of its own
  // that allows the status site for scripts, API calls and images, and no inline styles.
  const port = await freePort();
  customerUrl = `http://127.0.0.1:${port}`;
  customer = createServer((req, res) => {
    if (req.url !== '/status.html') return res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src ${site.url}; connect-src ${site.url}; img-src ${site.url}; style-src 'self'`,
    });
    res.end(`<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1><div id="slot"></div><script src="${site.url}/embed.js" data-target="#slot" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => customer.listen(port, '127.0.0.1', resolve));

  browser = await launchChromium();
  visitor = await browser.newContext();
  await watch(visitor);
  page = await visitor.newPage();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => customer?.close(resolve));
  await db?.$disconnect();
  await site?.stop();
  await sink?.stop();
});

describe('the pages under the Content-Security-Policy', () => {
  it('are served with a policy the browser enforces: an image from elsewhere is refused and reported', async () => {
    await open(page, '/');
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'https://evil.example/pixel.gif';
      document.body.append(img);
    });
    await expect.poll(() => violations.join('\n')).toMatch(/img-src blocked https:\/\/evil\.example\/pixel\.gif/);
    violations.length = 0;
  });

  it('status, component, incident and history pages render their charts, bars and images with nothing blocked', async () => {
    for (const path of ['/', '/en', '/components/mail-inbound']) {
      await open(page, path);
      const charts = page.locator('[data-chart]');
      expect(await charts.count(), path).toBeGreaterThan(0);
      expect(await charts.first().locator('svg.chart-svg').isVisible(), path).toBe(true);
      // The time axis is laid out by inline style attributes: the ticks must stand apart.
      const ticks = await charts.first().locator('.chart-x time').evaluateAll((els) => els.map((el) => (el as HTMLElement).offsetLeft));
      expect(new Set(ticks).size, `${path} tick positions ${ticks}`).toBeGreaterThan(1);
    }
    // The uptime bars size their days by inline style (flex-grow).
    await open(page, '/');
    const bars = await page
      .locator('.uptime-bars > li[style]')
      .evaluateAll((els) => els.map((el) => ({ said: /flex-grow:\s*(\d+)/.exec(el.getAttribute('style') ?? '')?.[1], applied: getComputedStyle(el).flexGrow })));
    expect(bars.length).toBeGreaterThan(0);
    for (const bar of bars) expect(bar.applied).toBe(bar.said);

    await open(page, '/incidents/csp-image-update');
    await expect.poll(() => page.locator('a[href="https://evil.example/pixel.gif"]').first().textContent()).toBe('追跡画像');
    await expect.poll(() => page.locator('img[src="/favicon.svg"]').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await open(page, '/en/incidents/csp-image-update');
    for (const path of ['/history', '/en/history', '/incidents/2014-12-02-mail-delay']) await open(page, path);
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
  });

  it('subscribe, confirm, manage and unsubscribe forms submit with JavaScript on', async () => {
    await open(page, '/subscribe');
    await page.getByLabel('メールアドレス').fill('new-reader@example.test');
    await page.getByTestId('subscribe-form').getByRole('button', { name: '登録する' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('確認メールをお送りしました');

    await open(page, `/subscribe/confirm?token=${confirmToken}`);
    await page.getByRole('button', { name: '登録を完了する' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('登録が完了しました');

    await open(page, `/subscriptions/manage?token=${encodeURIComponent(manageToken)}`);
    await page.getByRole('button', { name: '保存する' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('配信設定を保存しました');

    await open(page, `/unsubscribe?token=${encodeURIComponent(manageToken)}`);
    await page.getByRole('button', { name: '配信を停止する' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('配信を停止しました');
    expect((await db.subscriber.findUniqueOrThrow({ where: { email: 'reader@example.test' } })).status).toBe('unsubscribed');
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
  });

  it('the console: sign-in, a signed-in page, the live markdown preview and the notice preview in its sandboxed frame', async () => {
    await open(page, '/admin/sign-in');
    expect(await page.getByRole('button', { name: /サインイン/ }).isVisible()).toBe(true);

    const staff = await signedInContext(browser, site.databaseUrl, site.url, 'csp-editor@example.com', 'editor');
    await watch(staff);
    const console = await staff.newPage();
    await open(console, '/admin');
    await open(console, `/admin/incidents/${incidentId}`);
    await console.locator('textarea[name="reportJa"]').fill(`## 1. 発生日時\n\n${IMAGE_MARKDOWN}`);
    const preview = console.locator('[data-preview="reportJa"]');
    await expect.poll(() => preview.locator('a[href="https://evil.example/pixel.gif"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await preview.locator('img[src="/favicon.svg"]').count()).toBe(1);

    await open(console, '/admin/incidents/new');
    await console.getByLabel('タイトル（日本語）').fill('画像つきのお知らせ');
    await console.getByLabel('タイトル（英語）').fill('A notice with images');
    await console.getByLabel('本文（日本語・Markdown）').fill(IMAGE_MARKDOWN);
    await console.getByLabel('本文（英語・Markdown）').fill('Delayed. ![tracker](https://evil.example/pixel.gif)');
    await console.getByRole('button', { name: '送信内容と宛先数を確認' }).click();
    const frame = console.locator('[data-notice-html="ja"]');
    await frame.waitFor();
    // A mail client would fetch any image in the notice: none is left, the remote one is a link.
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).not.toMatch(/<img\b/);
    expect(await console.frameLocator('[data-notice-html="ja"]').locator('a[href="https://evil.example/pixel.gif"]').textContent()).toBe('追跡画像');
    await console.waitForTimeout(500);
    await staff.close();
    expect(violations).toEqual([]);
  });

  it('the widget shows the status on a customer site with a strict policy of its own', async () => {
    await page.goto(`${customerUrl}/status.html`);
    await expect.poll(() => page.locator('#slot .tayori-status-banner').textContent(), { timeout: 15_000 }).toBeTruthy();
    expect(await page.locator('#slot .tayori-status').evaluate((el) => getComputedStyle(el).borderLeftWidth)).toBe('4px');
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
  });
});
