// Staff manage components in the console and the public page follows at once: a new group and
// components, reordering by the up/down buttons, "only show if degraded", archiving. With more than
// the catalogue's ten components the public groups collapse (<details>) unless something in them is
// wrong, and the page stays free of serious accessibility violations (axe-core).
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let site: RunningSite;
let db: TestDatabase;
let browser: Browser;
let admin: BrowserContext;
let console_: Page;
let visitor: Page;

beforeAll(async () => {
  const isolated = isolatedSite('admin-components');
  db = openDatabase(isolated.DATABASE_URL);
  // Something wrong in one group, so that group stays open when the others collapse.
  await db.component.update({ where: { slug: 'dedicated-server' }, data: { status: 'partial_outage' } });
  site = await startSite(isolated, { worker: false });
  browser = await launchChromium();
  admin = await signedInContext(browser, site.databaseUrl, site.url, 'admin@example.com', 'admin');
  console_ = await admin.newPage();
  visitor = await (await browser.newContext()).newPage();
});
afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
  await site?.stop();
});

/** The public page as a visitor's browser gets it, once it satisfies `ready` (a change shows at once, or within a regeneration). */
async function publicPage(path: string, ready: () => Promise<boolean>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await visitor.goto(`${site.url}${path}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${path} never showed the change\n${site.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
const groupsShown = () => visitor.locator('.component-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
const componentsIn = (group: string) => visitor.locator(`[data-group="${group}"] [data-component]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-component')));

/** Does something on the console's list (or `start`) and waits for the change to be saved. */
async function act(run: () => Promise<void>, start = '/admin/components') {
  await console_.goto(`${site.url}${start}`);
  await run();
  await console_.waitForURL(/\/admin\/components\?(saved=1|error=\w+)$/);
  expect(new URL(console_.url()).search).toBe('?saved=1');
}
const button = (name: string) => console_.getByRole('button', { name, exact: true });

async function addComponent(slug: string, nameJa: string, nameEn: string, group: string) {
  await act(async () => {
    const form = console_.getByTestId('add-component');
    await form.getByLabel('スラッグ').fill(slug);
    await form.getByLabel('名前（日本語）').fill(nameJa);
    await form.getByLabel('名前（英語）').fill(nameEn);
    await form.getByLabel('グループ').selectOption({ label: group });
    await form.getByRole('button', { name: '追加' }).click();
  });
}

describe('components in the console', () => {
  it('staff add a group and two components; the public page lists them and collapses the groups with nothing wrong', async () => {
    await act(async () => {
      const groupForm = console_.getByTestId('add-group');
      await groupForm.getByLabel('スラッグ').fill('network');
      await groupForm.getByLabel('名前（日本語）').fill('ネットワーク');
      await groupForm.getByLabel('名前（英語）').fill('Network');
      await groupForm.getByRole('button', { name: '追加' }).click();
    });
    await addComponent('backbone', 'バックボーン', 'Backbone', 'ネットワーク');
    await addComponent('uplink', '上流回線', 'Uplink', 'ネットワーク');
    expect(await console_.locator('[data-group="network"] [data-component]').count()).toBe(2);

    await publicPage('/', async () => (await groupsShown()).includes('network'));
    expect(await groupsShown()).toEqual(['mail', 'hosting', 'platform', 'network']);
    expect(await componentsIn('network')).toEqual(['backbone', 'uplink']);
    // Twelve components: a long list. Only the group with a partial outage is open.
    const open = (group: string) => visitor.locator(`[data-group="${group}"] details`).evaluate((d) => (d as HTMLDetailsElement).open);
    expect(await open('hosting')).toBe(true);
    expect(await open('mail')).toBe(false);
    expect(await visitor.locator('[data-group="mail"] summary').innerText()).toContain('正常 · 5件のサービス');
    expect(await visitor.locator('[data-group="hosting"] [data-group-status]').getAttribute('data-group-status')).toBe('partial_outage');
    expect(await visitor.locator('[data-component="mail-inbound"]').isVisible()).toBe(false);
    // Opens on a click, no script of ours needed.
    await visitor.locator('[data-group="mail"] summary').click();
    expect(await visitor.locator('[data-component="mail-inbound"]').isVisible()).toBe(true);
  });

  it('reorders groups and components with the up/down buttons', async () => {
    await act(() => button('ネットワークを上へ移動').click());
    await act(() => button('上流回線を上へ移動').click());
    // Two edits, two page refreshes: wait for the page that has both.
    await publicPage('/', async () => (await groupsShown()).join() === 'mail,hosting,network,platform' && (await componentsIn('network')).join() === 'uplink,backbone');
    expect(await componentsIn('network')).toEqual(['uplink', 'backbone']);
    // The first can go no higher.
    await console_.goto(`${site.url}/admin/components`);
    expect(await button('メールを上へ移動').isDisabled()).toBe(true);
  });

  it('"only show if degraded" hides an operational component but not a degraded one', async () => {
    for (const slug of ['backbone', 'dedicated-server']) {
      await act(async () => {
        await console_.locator(`[data-component="${slug}"]`).getByRole('link', { name: '編集' }).click();
        await console_.waitForURL(/\/admin\/components\/\w+$/);
        // The slug is shown, never editable.
        expect(await console_.locator('form[data-testid="edit-component"] input[name="slug"]').count()).toBe(0);
        await console_.getByLabel(/障害時のみ表示/).check();
        await button('保存').click();
      });
    }
    await publicPage('/', async () => !(await componentsIn('network')).includes('backbone'));
    expect(await componentsIn('network')).toEqual(['uplink']);
    expect(await componentsIn('hosting')).toContain('dedicated-server');
    const api = (await (await fetch(`${site.url}/api/v2/components.json`)).json()) as { components: { name: string; only_show_if_degraded: boolean }[] };
    expect(api.components.find((c) => c.name === 'バックボーン')?.only_show_if_degraded).toBe(true);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'component.update' }, orderBy: { at: 'asc' } });
    expect(JSON.parse(audit.details).changes.onlyShowIfDegraded).toEqual([false, true]);
  });

  it('archiving takes a component off the public page, the subscribe picker and the API; a component with history cannot be deleted', async () => {
    await act(() => console_.locator('[data-component="uplink"]').getByRole('button', { name: 'アーカイブ', exact: true }).click());
    expect(await console_.locator('[data-component="uplink"]').getAttribute('data-archived')).toBe('true');
    // Catalogue components carry the 2014 report: archive only.
    expect(await console_.locator('[data-component="mail-inbound"]').getByRole('button', { name: '削除', exact: true }).count()).toBe(0);

    await publicPage('/', async () => !(await groupsShown()).includes('network'));
    await visitor.goto(`${site.url}/subscribe`);
    expect(await visitor.locator('input[value="uplink"]').count()).toBe(0);
    const api = (await (await fetch(`${site.url}/api/v2/components.json`)).json()) as { components: { name: string }[] };
    expect(api.components.map((c) => c.name)).not.toContain('上流回線');
  });

  it('the public page with collapsed groups and the console page have no serious or critical accessibility violation', async () => {
    // Archived, hidden and moved components all on the page; a long list again with one more.
    await addComponent('peering', 'ピアリング', 'Peering', 'メール');
    for (const [page, path] of [
      [visitor, '/'],
      [visitor, '/en'],
      [console_, '/admin/components'],
    ] as const) {
      await page.goto(`${site.url}${path}`);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (d: Document, o: object) => Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      });
      expect(violations, path).toEqual([]);
    }
  });
});
