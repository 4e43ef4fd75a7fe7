// Incident templates: staff write them once in both languages, start a new incident, an update or
// a maintenance from one, and what they publish is the template's text as they left it in the form.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

let site: RunningSite;
let db: TestDatabase;
let browser: Browser;
let staff: BrowserContext;
let page: Page;

const TITLE_JA = 'コントロールパネルにログインできない事象';
const TITLE_EN = 'Control panel sign-in failures';
const BODY_JA = 'コントロールパネルにログインできない事象を確認しております。原因を調査しております。';
const BODY_EN = 'Some customers cannot sign in to the control panel. We are investigating.';

beforeAll(async () => {
  const isolated = isolatedSite('templates');
  db = openDatabase(isolated.DATABASE_URL);
  site = await startSite(isolated, { worker: false });
  browser = await launchChromium();
  staff = await signedInContext(browser, site.databaseUrl, site.url, 'templates-editor@example.com', 'editor');
  page = await staff.newPage();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await db?.$disconnect();
});

async function fillTemplate(fields: { name: string; kind: string; titleJa?: string; titleEn?: string; bodyJa: string; bodyEn: string; status?: string; impact?: string }) {
  await page.locator('#tpl-name').fill(fields.name);
  await page.locator('#tpl-kind').selectOption(fields.kind);
  if (fields.titleJa !== undefined) await page.locator('#tpl-titleJa').fill(fields.titleJa);
  if (fields.titleEn !== undefined) await page.locator('#tpl-titleEn').fill(fields.titleEn);
  if (fields.status) await page.locator('#tpl-status').selectOption(fields.status);
  if (fields.impact) await page.locator('#tpl-impact').selectOption(fields.impact);
  await page.locator('#tpl-bodyJa').fill(fields.bodyJa);
  await page.locator('#tpl-bodyEn').fill(fields.bodyEn);
}

describe('incident templates in the console', () => {
  it('refuses an incomplete template with a message at the field and stores nothing', async () => {
    await page.goto(`${site.url}/admin/templates`);
    await fillTemplate({ name: '書きかけ', kind: 'incident', titleJa: TITLE_JA, titleEn: '', bodyJa: BODY_JA, bodyEn: '' });
    await page.getByRole('button', { name: 'テンプレートを追加' }).click();
    await expect.poll(() => page.locator('#tpl-bodyEn-error').textContent()).toBe('入力してください。');
    expect(await page.locator('#tpl-titleEn-error').textContent()).toBe('入力してください。');
    // What was typed is kept.
    expect(await page.locator('#tpl-bodyJa').inputValue()).toBe(BODY_JA);
    expect(await db.incidentTemplate.count()).toBe(0);
  });

  it('starts a new incident from a template, in both languages, and publishes what the form holds', async () => {
    await page.goto(`${site.url}/admin/templates`);
    await fillTemplate({ name: 'ログイン障害', kind: 'incident', titleJa: TITLE_JA, titleEn: TITLE_EN, bodyJa: BODY_JA, bodyEn: BODY_EN, status: 'identified', impact: 'major' });
    await page.getByRole('button', { name: 'テンプレートを追加' }).click();
    await page.waitForURL(/\/admin\/templates$/);
    await expect.poll(() => page.getByRole('row', { name: /ログイン障害/ }).count()).toBe(1);

    await page.getByRole('link', { name: 'このテンプレートで書く' }).click();
    await page.waitForURL(/\/admin\/incidents\/new\?template=/);
    expect(await page.locator('#f-titleJa').inputValue()).toBe(TITLE_JA);
    expect(await page.locator('#f-titleEn').inputValue()).toBe(TITLE_EN);
    expect(await page.locator('#f-impact').inputValue()).toBe('major');
    expect(await page.locator('#f-status').inputValue()).toBe('identified');
    expect(await page.locator('#f-bodyJa').inputValue()).toBe(BODY_JA);

    // Staff adjust the text before publishing: the incident carries the form's text, not the template's.
    await page.locator('#f-bodyEn').fill(`${BODY_EN} Webmail is not affected.`);
    await page.getByLabel(/公開される内容を確認しました/).check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.waitForURL(/\/admin\/incidents\/[a-z0-9]+$/);
    const incident = await db.incident.findFirstOrThrow({ where: { titleJa: TITLE_JA }, include: { updates: true } });
    expect(incident).toMatchObject({ titleEn: TITLE_EN, impact: 'major', status: 'identified' });
    expect(incident.updates[0]).toMatchObject({ bodyJa: BODY_JA, bodyEn: `${BODY_EN} Webmail is not affected.` });
  });

  it('fills the update form on an incident from an update template', async () => {
    await page.goto(`${site.url}/admin/templates`);
    await fillTemplate({ name: '原因特定', kind: 'update', bodyJa: '原因を特定し、対応を進めております。', bodyEn: 'We have found the cause and are working on a fix.', status: 'identified' });
    await page.getByRole('button', { name: 'テンプレートを追加' }).click();
    await page.waitForURL(/\/admin\/templates$/);

    const incident = await db.incident.findFirstOrThrow({ where: { titleJa: TITLE_JA } });
    await page.goto(`${site.url}/admin/incidents/${incident.id}`);
    await page.getByLabel('テンプレートから書く').selectOption({ label: '原因特定' });
    await page.getByRole('button', { name: '読み込む' }).click();
    await page.waitForURL(/template=/);
    const update = page.locator('section[aria-labelledby="update-heading"]');
    expect(await update.locator('#f-bodyJa').inputValue()).toBe('原因を特定し、対応を進めております。');
    expect(await update.locator('#f-bodyEn').inputValue()).toBe('We have found the cause and are working on a fix.');
  });

  it('fills the maintenance form from a maintenance template', async () => {
    await page.goto(`${site.url}/admin/templates`);
    await fillTemplate({ name: 'DNS更新', kind: 'maintenance', titleJa: 'DNSサーバーの更新', titleEn: 'DNS server upgrade', bodyJa: 'DNSサーバーを更新します。', bodyEn: 'We will upgrade the DNS servers.' });
    await page.getByRole('button', { name: 'テンプレートを追加' }).click();
    await page.waitForURL(/\/admin\/templates$/);
    await page.getByRole('row', { name: /DNS更新/ }).getByRole('link', { name: 'このテンプレートで書く' }).click();
    await page.waitForURL(/\/admin\/maintenance\?template=/);
    expect(await page.locator('#m-titleJa').inputValue()).toBe('DNSサーバーの更新');
    expect(await page.locator('#m-bodyEn').inputValue()).toBe('We will upgrade the DNS servers.');
  });

  it('edits and deletes templates, each change in the audit log with before and after', async () => {
    const template = await db.incidentTemplate.findFirstOrThrow({ where: { name: 'ログイン障害' } });
    await page.goto(`${site.url}/admin/templates/${template.id}`);
    await page.locator('#tpl-titleEn').fill('Control panel sign-in errors');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('保存しました。');
    expect((await db.incidentTemplate.findUniqueOrThrow({ where: { id: template.id } })).titleEn).toBe('Control panel sign-in errors');

    await page.getByRole('button', { name: '削除' }).click();
    await page.waitForURL(/\/admin\/templates$/);
    expect(await db.incidentTemplate.findUnique({ where: { id: template.id } })).toBeNull();

    const entries = await db.auditLog.findMany({ where: { targetId: template.id }, orderBy: { at: 'asc' } });
    expect(entries.map((e) => e.action)).toEqual(['template.create', 'template.update', 'template.delete']);
    expect(entries.every((e) => e.actorEmail === 'templates-editor@example.com')).toBe(true);
    const update = JSON.parse(entries[1].details);
    expect(update.before.titleEn).toBe(TITLE_EN);
    expect(update.after.titleEn).toBe('Control panel sign-in errors');
  });
});
