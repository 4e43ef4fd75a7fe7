// Every public and console page, checked by axe-core in Chromium at a desktop's width (1280 px)
// and a phone's (390 px), in the light and the dark scheme: no serious or critical violation
// (WCAG 2.x A and AA, contrast included). And the console's header stays one row on a desktop.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext, staffCli } from '../support/staff';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOKEN_SECRET = 'accessibility-test-token-secret-0123456789';
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

let site: RunningSite;
let db: TestDatabase;
let browser: Browser;
let publicPages: string[] = [];
let consolePages: string[] = [];
let preAuthPages: string[] = [];
const contexts: BrowserContext[] = [];
let accounts = 0;

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

beforeAll(async () => {
  const isolated = isolatedSite('accessibility');
  db = openDatabase(isolated.DATABASE_URL);
  // Something of everything on the pages: an open incident with an update, a maintenance, a subscriber.
  const component = await db.component.findFirstOrThrow({ orderBy: { position: 'asc' } });
  const incident = await db.incident.create({
    data: {
      slug: 'a11y-open-incident',
      titleJa: 'コントロールパネルの障害',
      titleEn: 'Control panel outage',
      impact: 'major',
      status: 'identified',
      startedAt: new Date(Date.now() - 3600_000),
      source: 'console',
      components: { create: [{ componentId: component.id, status: 'partial_outage' }] },
      updates: { create: [{ status: 'identified', bodyJa: '原因を特定しました。', bodyEn: 'We have found the cause.', displayAt: new Date() }] },
    },
  });
  await db.component.update({ where: { id: component.id }, data: { status: 'partial_outage' } });
  await db.maintenance.create({
    data: { slug: 'a11y-maintenance', titleJa: 'DNSサーバーの更新', titleEn: 'DNS server upgrade', bodyJa: '更新します。', bodyEn: 'Upgrade.', scheduledFor: new Date(Date.now() + 86400_000), scheduledUntil: new Date(Date.now() + 90000_000) },
  });
  const subscriber = await db.subscriber.create({ data: { email: 'a11y@example.net', status: 'active', confirmedAt: new Date() } });
  const manageToken = `${subscriber.id}.1.${createHmac('sha256', TOKEN_SECRET).update(`subscriber:${subscriber.id}:1`).digest('base64url')}`;
  const report = await db.incident.findFirstOrThrow({ where: { source: 'content' }, orderBy: { startedAt: 'asc' } });

  site = await startSite({ ...isolated, NOTICE_TOKEN_SECRET: TOKEN_SECRET }, { worker: false });
  browser = await launchChromium();
  const setupLink = staffCli(site.databaseUrl, site.url, 'add', 'waiting-for-password@example.com', '--role', 'editor').link!;

  // A month that has surely begun in every time zone (a future month is a 404).
  const month = new Date(Date.now() - 20 * 86400_000).toISOString().slice(0, 7);
  publicPages = [
    '/',
    '/en',
    `/components/${component.slug}`,
    `/en/components/${component.slug}`,
    `/incidents/${incident.slug}`,
    `/incidents/${report.slug}`,
    `/en/incidents/${report.slug}`,
    '/history',
    '/en/history',
    '/subscribe',
    '/en/subscribe',
    `/subscriptions/manage?token=${encodeURIComponent(manageToken)}`,
    `/en/subscriptions/manage?token=${encodeURIComponent(manageToken)}`,
    `/unsubscribe?token=${encodeURIComponent(manageToken)}`,
    '/subscribe/confirm?token=not-a-token',
    '/mail/domain',
    '/en/mail/trace',
    `/uptime/${month}`,
    `/en/uptime/${month}`,
    '/no-such-page',
  ];
  preAuthPages = ['/admin/sign-in', new URL(setupLink).pathname + new URL(setupLink).search];
  consolePages = [
    '/admin',
    '/admin/incidents',
    '/admin/incidents/new',
    `/admin/incidents/${incident.id}`,
    '/admin/maintenance',
    '/admin/templates',
    '/admin/components',
    `/admin/components/${component.id}`,
    '/admin/probes',
    '/admin/alerts',
    '/admin/api-keys',
    '/admin/mail',
    '/admin/audit',
    '/admin/staff',
  ];
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await site?.stop();
  await db?.$disconnect();
});

async function newContext(viewport: (typeof VIEWPORTS)[number], scheme: (typeof SCHEMES)[number], signedIn: boolean): Promise<BrowserContext> {
  // axe is injected as a script: the site's Content-Security-Policy would (rightly) refuse it.
  const options = { viewport: { width: viewport.width, height: viewport.height }, colorScheme: scheme, bypassCSP: true } as const;
  const context = signedIn ? await signedInContext(browser, site.databaseUrl, site.url, `a11y-${++accounts}@example.com`, 'admin') : await browser.newContext(options);
  if (signedIn) {
    // signedInContext makes a default context; the page checks need the viewport and scheme.
    const cookies = await context.cookies();
    await context.close();
    const withSession = await browser.newContext(options);
    await withSession.addCookies(cookies);
    contexts.push(withSession);
    return withSession;
  }
  contexts.push(context);
  return context;
}

async function violationsOf(page: Page, path: string): Promise<string[]> {
  const response = await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
  expect(response?.status(), path).toBeLessThan(path === '/no-such-page' ? 500 : 400);
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${path}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.each(VIEWPORTS.flatMap((viewport) => SCHEMES.map((scheme) => ({ viewport, scheme }))))('at $viewport.width px, $scheme scheme', ({ viewport, scheme }) => {
  it('every public page and the console’s sign-in and set-up pages have no serious or critical violation', async () => {
    const page = await (await newContext(viewport, scheme, false)).newPage();
    const found: string[] = [];
    for (const path of [...publicPages, ...preAuthPages]) found.push(...(await violationsOf(page, path)));
    expect(found).toEqual([]);
  }, 180_000);

  it('every console page has no serious or critical violation', async () => {
    const page = await (await newContext(viewport, scheme, true)).newPage();
    const found: string[] = [];
    for (const path of consolePages) found.push(...(await violationsOf(page, path)));
    expect(found).toEqual([]);
  }, 180_000);
});

describe('the console’s header', () => {
  it('fits one row at 1280 px in both languages, and folds into a menu on a phone', async () => {
    const desktop = await (await newContext(VIEWPORTS[0], 'light', true)).newPage();
    for (const lang of ['ja', 'en']) {
      await desktop.context().addCookies([{ name: 'tayori_admin_lang', value: lang, url: site.url }]);
      await desktop.goto(`${site.url}/admin/incidents`);
      const height = await desktop.locator('.admin-header').evaluate((e) => e.getBoundingClientRect().height);
      expect(height, `header height in ${lang}`).toBeLessThan(60);
      expect(await desktop.locator('.admin-nav.wide').isVisible()).toBe(true);
    }
    const phone = await (await newContext(VIEWPORTS[1], 'light', true)).newPage();
    await phone.goto(`${site.url}/admin/incidents`);
    expect(await phone.locator('.admin-nav.wide').isVisible()).toBe(false);
    await phone.locator('.admin-menu > summary').click();
    await phone.locator('.admin-menu').getByRole('link', { name: /メンテナンス|Maintenance/ }).click();
    await phone.waitForURL(/\/admin\/maintenance$/);
  }, 120_000);
});
