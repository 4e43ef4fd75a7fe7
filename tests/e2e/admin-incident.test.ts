import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { formatInTimeZone } from 'date-fns-tz';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { isolatedSite, ROOT, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

// A staff member runs the whole life of an incident from the console, and customers see each step.
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
let site: RunningSite;
let browser: Browser;
let staff: BrowserContext;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const isolated = isolatedSite('admin-incident');
  // Three confirmed subscribers following everything: two read Japanese, one English.
  const setup = new Database(isolated.DATABASE_URL.replace(/^file:/, ''));
  const add = setup.prepare("INSERT INTO Subscriber (id, email, lang, status, allComponents, confirmedAt, createdAt, updatedAt) VALUES (?, ?, ?, 'active', 1, ?, ?, ?)");
  const t = new Date().toISOString();
  add.run('sub-ja-1', 'a@example.jp', 'ja', t, t, t);
  add.run('sub-ja-2', 'b@example.jp', 'ja', t, t, t);
  add.run('sub-en-1', 'c@example.com', 'en', t, t, t);
  setup.close();
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '1' });
  browser = await launchChromium();
  staff = await signedInContext(browser, site.databaseUrl, site.url, 'editor@example.com', 'editor');
  page = await staff.newPage();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

// A change shows at once, except when a page regeneration was already under way: then within the
// 30-second revalidation.
async function publicPage(p: string, until: (html: string) => boolean) {
  const deadline = Date.now() + 75_000;
  for (;;) {
    const html = await (await fetch(`${site.url}${p}`)).text();
    if (until(html)) return html;
    if (Date.now() > deadline) throw new Error(`${p} never showed the change\n${site.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('incident lifecycle from the console', () => {
  let incidentUrl = '';

  it('refuses an incomplete form with errors next to the fields, and keeps nothing', async () => {
    await page.goto(`${site.url}/admin/incidents/new`);
    await page.getByRole('button', { name: '登録する' }).click();
    await expect.poll(() => page.locator('#f-titleJa-error').innerText()).toBe('入力してください。');
    expect(await page.locator('#f-bodyEn-error').innerText()).toBe('入力してください。');
    expect(await page.locator('#f-titleJa').getAttribute('aria-describedby')).toBe('f-titleJa-error');
    await page.goto(`${site.url}/admin/incidents`);
    expect(await page.locator('[data-incident-row]').count()).toBe(1); // only the 2014 report
  });

  it('asks for confirmation before anything reaches customers', async () => {
    await page.goto(`${site.url}/admin/incidents/new`);
    await page.getByLabel('タイトル（日本語）').fill('Webメールにログインできない');
    await page.getByLabel('タイトル（英語）').fill('Webmail sign-in failing');
    await page.getByLabel('本文（日本語・Markdown）').fill('Webメールにログインできない事象を**調査中**です。');
    await page.getByLabel('本文（英語・Markdown）').fill('We are **investigating** failed sign-ins to webmail.');
    await page.locator('select[name^="component:"]').nth(4).selectOption('partial_outage');
    await page.getByRole('button', { name: '登録する' }).click();
    await expect.poll(() => page.locator('#confirm-error').innerText()).toContain('お客様に公開されます');
    // Nothing typed is lost.
    expect(await page.getByLabel('タイトル（日本語）').inputValue()).toBe('Webメールにログインできない');
    expect(await page.locator('select[name^="component:"]').nth(4).inputValue()).toBe('partial_outage');
  });

  it('shows the exact notice in both languages and the number of recipients before confirming', async () => {
    await page.getByRole('button', { name: '送信内容と宛先数を確認' }).click();
    const preview = page.locator('[data-notice-preview]');
    await expect.poll(() => preview.locator('[data-recipients]').innerText()).toBe('宛先: 3件（日本語 2件・英語 1件）');
    expect(await preview.locator('[data-subject="ja"]').innerText()).toMatch(/^【障害発生】.*Webメールにログインできない/);
    expect(await preview.locator('[data-subject="en"]').innerText()).toMatch(/Webmail sign-in failing/);
    expect(await preview.locator('pre[lang], [lang="en"] pre').last().innerText()).toContain('investigating');
  });

  it('publishes the incident: the status page shows it and the component status', async () => {
    await page.getByLabel('お客様に公開される内容を確認しました').check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.waitForURL((url) => /\/admin\/incidents\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    incidentUrl = page.url();
    const html = await publicPage('/', (h) => h.includes('Webメールにログインできない'));
    expect(html).toMatch(/data-component="webmail" data-status="partial_outage"/);
    expect(html).toContain('<strong>調査中</strong>');
    // The notice went into the outbox for the three subscribers; its progress shows on the page.
    const progress = page.locator('.notice-progress');
    await expect.poll(() => progress.count()).toBe(1);
    expect(await progress.innerText()).toContain('【障害発生】');
    expect(await progress.locator('progress').getAttribute('max')).toBe('3');
  });

  it('posts an update, and corrects it with the earlier text kept', async () => {
    await page.getByRole('combobox', { name: '状況' }).selectOption('identified');
    await page.getByLabel('本文（日本語・Markdown）').first().fill('認証サーバーの証明書期限切れが原因と判明しました。');
    await page.getByLabel('本文（英語・Markdown）').first().fill('An expired certificate on the sign-in server is the cause.');
    await page.getByLabel('お客様に公開される内容を確認しました').first().check();
    await page.getByRole('button', { name: '投稿する' }).click();
    await expect.poll(() => page.locator('.form-ok').first().innerText()).toBe('保存しました。');
    await publicPage('/', (h) => h.includes('認証サーバーの証明書期限切れ'));

    await page.reload();
    const update = page.locator('[data-update]').first();
    await update.locator('summary').click();
    await update.getByLabel('本文（日本語・Markdown）').fill('認証サーバーのTLS証明書の期限切れが原因と判明しました。');
    await update.getByLabel('お客様に公開される内容を確認しました').check();
    await update.getByRole('button', { name: '訂正する' }).click();
    await expect.poll(() => update.locator('.form-ok').innerText()).toBe('保存しました。');
    await publicPage('/', (h) => h.includes('TLS証明書の期限切れ'));
    await page.reload();
    expect(await page.locator('[data-update]').first().innerText()).toContain('1回訂正');
  });

  it('resolves it: components back to operational, banner green', async () => {
    await page.getByRole('combobox', { name: '状況' }).selectOption('resolved');
    await page.locator('select[name^="component:"]').nth(4).selectOption('operational');
    await page.getByLabel('本文（日本語・Markdown）').first().fill('証明書を更新し、復旧しました。');
    await page.getByLabel('本文（英語・Markdown）').first().fill('The certificate was renewed; sign-in works again.');
    await page.getByLabel('お客様に公開される内容を確認しました').first().check();
    await page.getByRole('button', { name: '投稿する' }).click();
    const html = await publicPage('/', (h) => h.includes('data-indicator="none"'));
    expect(html).toMatch(/data-component="webmail" data-status="operational"/);
  });

  it('publishes a postmortem written from the template, previewed by the site pipeline', async () => {
    await page.goto(incidentUrl);
    const editor = page.locator('#f-reportJa');
    expect(await editor.inputValue()).toContain('## 1. 発生日時');
    expect(await editor.inputValue()).toContain('## 6. 今後の対策');
    await editor.fill('深くお詫び申し上げます。\n\n## 1. 発生日時\n\n本日\n\n## 2. 事象\n\nログイン不可\n\n## 3. 原因\n\n証明書の期限切れ\n\n## 4. 影響範囲\n\nWebメール\n\n## 5. 対処\n\n証明書を更新\n\n## 6. 今後の対策\n\n期限の監視を追加\n\n<script>alert(1)</script>');
    await expect.poll(() => page.locator('[data-preview="reportJa"] h2').count()).toBe(6);
    expect(await page.locator('[data-preview="reportJa"] script').count()).toBe(0);
    // Publishing without the confirmation is refused, and nothing is saved meanwhile.
    const db = new Database(site.databaseUrl.replace(/^file:/, ''), { readonly: true });
    const storedReport = () => (db.prepare('SELECT reportJa FROM Incident WHERE id = ?').get(incidentUrl.split('/').pop()) as { reportJa: string }).reportJa;
    const reportBefore = storedReport();
    await page.getByRole('button', { name: '報告を公開' }).click();
    await expect.poll(() => page.locator('.report-editor .field-error').first().innerText()).toContain('お客様に公開されます');
    expect(storedReport()).toBe(reportBefore);
    db.close();
    await page.locator('.report-editor').getByLabel('お客様に公開される内容を確認しました').check();
    await page.getByRole('button', { name: '報告を公開' }).click();
    await expect.poll(() => page.locator('.report-editor .form-ok').innerText()).toBe('保存しました。');
    const slug = (await page.getByRole('link', { name: '公開ページを見る' }).getAttribute('href'))!;
    const html = await publicPage(slug, (h) => h.includes('期限の監視を追加'));
    expect(html).toContain('>6. 今後の対策</h2>');
    expect(html).not.toContain('<script>alert(1)');
    await page.screenshot({ path: path.join(SHOTS, 'console-incident.png'), fullPage: true });
  });

  it('summarises where it stands: the resolution, not the first "investigating", then what staff write', async () => {
    await page.goto(incidentUrl);
    const slug = (await page.getByRole('link', { name: '公開ページを見る' }).getAttribute('href'))!;
    const summaryOf = (html: string) => html.slice(html.indexOf('aria-labelledby="summary-heading"'), html.indexOf('</section>', html.indexOf('aria-labelledby="summary-heading"')));
    const resolved = summaryOf(await publicPage(slug, (h) => summaryOf(h).includes('証明書を更新し、復旧しました。')));
    expect(resolved).not.toContain('調査中');
    // The console offers the same text to rewrite.
    expect(await page.getByLabel('概要（日本語）').inputValue()).toBe('証明書を更新し、復旧しました。');
    await page.getByLabel('概要（日本語）').fill('認証サーバーの証明書の期限切れにより、Webメールに約1時間ログインできませんでした。詳しくは障害報告をご覧ください。');
    const form = page.locator('[data-testid="summary-form"]');
    await form.getByLabel('お客様に公開される内容を確認しました').check();
    await form.getByRole('button', { name: '概要を保存' }).click();
    await expect.poll(() => form.locator('.form-ok').innerText()).toBe('保存しました。');
    const written = summaryOf(await publicPage(slug, (h) => summaryOf(h).includes('約1時間ログインできませんでした')));
    expect(written).not.toContain('証明書を更新し、復旧しました。');
    // English was left as it was: the latest update's.
    expect(summaryOf(await publicPage(`/en${slug}`, (h) => h.includes('summary-heading')))).toContain('The certificate was renewed; sign-in works again.');
  });
});

describe('scheduled maintenance from the console', () => {
  it('switches components to maintenance at the start and back at the end', async () => {
    const now = Date.now();
    const local = (t: number) => formatInTimeZone(new Date(t), 'Asia/Tokyo', "yyyy-MM-dd'T'HH:mm");
    await page.goto(`${site.url}/admin/maintenance`);
    await page.getByLabel('タイトル（日本語）').fill('DNSサーバーの更新');
    await page.getByLabel('タイトル（英語）').fill('DNS server upgrade');
    await page.getByLabel('開始（日本時間）').fill(local(now - 60_000));
    await page.getByLabel('終了（日本時間）').fill(local(now + 3 * 60_000));
    await page.getByRole('checkbox', { name: 'DNS' }).check();
    await page.getByLabel('本文（日本語・Markdown）').fill('DNSサーバーを更新します。');
    await page.getByLabel('本文（英語・Markdown）').fill('We upgrade the DNS servers.');
    await page.getByLabel('お客様に公開される内容を確認しました').check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.waitForURL(/\/admin\/maintenance$/);
    await expect.poll(() => page.locator('[data-maintenance]').count(), { message: await page.locator('.field-error').allInnerTexts().then((e) => e.join(' | ')) }).toBe(1);
    const during = await publicPage('/', (h) => /data-component="dns" data-status="under_maintenance"/.test(h));
    expect(during).toContain('DNSサーバーの更新');
    expect(during).toContain('data-maintenance-status="in_progress"');
    // The end is minutes away (the form has minute precision): bring it forward instead of waiting.
    const writable = new Database(site.databaseUrl.replace(/^file:/, ''));
    writable.prepare("UPDATE Maintenance SET scheduledUntil = ? WHERE titleJa = 'DNSサーバーの更新'").run(new Date().toISOString());
    writable.close();
    const deadline = Date.now() + 60_000;
    let html = '';
    while (Date.now() < deadline && !/data-component="dns" data-status="operational"/.test(html)) {
      await new Promise((r) => setTimeout(r, 1000));
      html = await (await fetch(`${site.url}/`)).text();
    }
    expect(html).toMatch(/data-component="dns" data-status="operational"/);
  }, 120_000);
});
