// API keys in the console: an admin creates one (shown once, on that page only), sees it listed by
// prefix, role, scope and creator, and revokes it; the key works against the write API until then.
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

let site: RunningSite;
let db: TestDatabase;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let pageId = '';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

beforeAll(async () => {
  const isolated = isolatedSite('api-keys');
  db = openDatabase(isolated.DATABASE_URL);
  site = await startSite(isolated, { worker: false });
  browser = await launchChromium();
  admin = await signedInContext(browser, site.databaseUrl, site.url, 'keys-admin@example.com', 'admin');
  page = await admin.newPage();
  pageId = ((await (await fetch(`${site.url}/api/v2/summary.json`)).json()) as { page: { id: string } }).page.id;
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await db?.$disconnect();
});

const getComponent = (key: string, slug: string) => fetch(`${site.url}/api/v1/pages/${pageId}/components/${slug}`, { headers: { Authorization: `Bearer ${key}` } });

describe('API keys in the console', () => {
  let key = '';

  it('shows a new key once, then lists it by prefix, role, scope and creator', async () => {
    await page.goto(`${site.url}/admin/api-keys`);
    await page.getByLabel('名前').fill('zabbix');
    await page.getByLabel('権限').selectOption('editor');
    await page.getByRole('checkbox', { name: 'DNS' }).check();
    await page.getByRole('button', { name: 'キーを作成' }).click();
    key = ((await page.locator('[data-new-api-key]').textContent({ timeout: 30_000 })) ?? '').trim();
    expect(key).toMatch(/^tyk_[A-Za-z0-9_-]{43}$/);

    await page.goto(`${site.url}/admin/api-keys`);
    const html = await page.content();
    expect(html).not.toContain(key);
    const row = page.locator(`[data-api-key="${key.slice(0, 12)}"]`);
    expect(await row.textContent()).toContain('zabbix');
    expect(await row.textContent()).toContain('dns');
    expect(await row.textContent()).toContain('keys-admin@example.com');

    // The page meets the same accessibility bar as the rest of the console (tests/e2e/accessibility.test.ts).
    await page.addScriptTag({ path: AXE });
    const serious = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (d: Document, o: object) => Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(serious).toEqual([]);

    expect((await getComponent(key, 'dns')).status).toBe(200);
    // A scoped key reads everything but writes only its components.
    const other = await fetch(`${site.url}/api/v1/pages/${pageId}/components/vps`, { method: 'PATCH', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ component: { status: 'major_outage' } }) });
    expect(other.status).toBe(403);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'api_key.create' } });
    expect(audit.actorEmail).toBe('keys-admin@example.com');
    expect(audit.details).not.toContain(key);
  });

  it('revokes it: the API refuses it at once', async () => {
    await page.goto(`${site.url}/admin/api-keys`);
    await page.locator(`[data-api-key="${key.slice(0, 12)}"]`).getByRole('button', { name: '失効させる' }).click();
    await expect.poll(async () => page.locator(`[data-api-key="${key.slice(0, 12)}"]`).textContent(), { timeout: 30_000 }).toContain('失効済み');
    expect((await getComponent(key, 'dns')).status).toBe(401);
    expect(await db.auditLog.count({ where: { action: 'api_key.revoke', actorEmail: 'keys-admin@example.com' } })).toBe(1);
  });

  it('is for admins only', async () => {
    const editor = await signedInContext(browser, site.databaseUrl, site.url, 'keys-editor@example.com', 'editor');
    const editorPage = await editor.newPage();
    await editorPage.goto(`${site.url}/admin/api-keys`);
    expect(await editorPage.content()).not.toContain('キーを作成');
    await editor.close();
  });
});
