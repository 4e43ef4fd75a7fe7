import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { focusedElement, type Focused } from '../support/keyboard';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { PASSWORD, staffCli } from '../support/staff';

// An editor who uses only the keyboard runs an incident's whole life in the console: Tab and
// Shift+Tab to move, Enter and Space to act, arrow keys in selects and radio groups, typing for
// text. No mouse, no click() or fill(). Every control focus lands on shows where focus is.
let site: RunningSite;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  site = await startSite(isolatedSite('keyboard-console'), { worker: false });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const focused = () => focusedElement(page);

/** Controls that were focused without a visible focus indicator, over the whole walk. */
const invisible = new Set<string>();

/** Presses Tab (or Shift+Tab) until focus is on the control `wanted` describes; checks every stop on the way. */
async function tabTo(wanted: (f: Focused) => boolean, what: string, options: { back?: boolean; max?: number } = {}): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < (options.max ?? 150); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const f = await focused();
    const description = `${f.tag}${f.type ? `[${f.type}]` : ''} "${f.text.slice(0, 40)}"${f.name ? ` name=${f.name}` : ''} on ${new URL(page.url()).pathname}`;
    seen.push(description);
    if (!f.indicator) invisible.add(description);
    if (wanted(f)) return f;
  }
  throw new Error(`Tab never reached ${what}; focus went through:\n${seen.join('\n')}`);
}

const labelled = (text: string | RegExp) => (f: Focused) => (typeof text === 'string' ? f.text === text : text.test(f.text));

/** Arrow keys in a focused select until it shows the value. */
async function choose(value: string) {
  for (let i = 0; i < 8 && (await focused()).value !== value; i++) await page.keyboard.press('ArrowDown');
  expect((await focused()).value).toBe(value);
}

async function publicHtml(p: string, until: (html: string) => boolean) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const html = await (await fetch(`${site.url}${p}`)).text();
    if (until(html)) return html;
    if (Date.now() > deadline) throw new Error(`${p} never showed the change`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('keyboard only: an incident from sign-in to resolved', () => {
  it('sets the password and signs in', async () => {
    const { link, output } = staffCli(site.databaseUrl, site.url, 'add', 'keys@example.jp', '--role', 'editor');
    expect(link, output).toBeTruthy();
    await page.goto(link!);
    await tabTo(labelled(/新しいパスワード/), 'the new password field');
    await page.keyboard.type(PASSWORD);
    await tabTo(labelled('パスワードを設定'), 'the set-password button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/sign-in\?done=1$/);

    await tabTo(labelled('メールアドレス'), 'the email field');
    await page.keyboard.type('keys@example.jp');
    await tabTo(labelled('パスワード'), 'the password field');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter'); // submits the form from its field
    await page.waitForURL(/\/admin$/);
  });

  it('opens a new incident with a component status and both bodies, confirms and publishes it', async () => {
    await tabTo((f) => f.tag === 'a' && f.text === '障害', 'the incidents link in the console menu');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/incidents$/);
    await tabTo((f) => f.tag === 'a' && f.text === '障害を登録', 'the new incident link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/incidents\/new/);

    await tabTo(labelled('タイトル（日本語）'), 'the Japanese title');
    await page.keyboard.type('DNSの応答が遅い');
    await tabTo(labelled('タイトル（英語）'), 'the English title');
    await page.keyboard.type('Slow DNS answers');
    await tabTo((f) => f.tag === 'select' && f.text.startsWith('DNS'), 'the DNS component status');
    await choose('partial_outage');
    await tabTo(labelled('本文（日本語・Markdown）'), 'the Japanese body');
    await page.keyboard.type('DNSの応答が遅くなっています。調査中です。');
    await tabTo(labelled('本文（英語・Markdown）'), 'the English body');
    await page.keyboard.type('DNS answers are slow. We are investigating.');
    // Publish now is the default radio; the arrow keys move within the group and back.
    const publish = await tabTo((f) => f.type === 'radio', 'the publish choice');
    expect(publish.value).toBe('now');
    await page.keyboard.press('ArrowDown');
    expect((await focused()).value).toBe('draft');
    await page.keyboard.press('ArrowUp');
    expect((await focused()).value).toBe('now');
    await tabTo(labelled('お客様に公開される内容を確認しました'), 'the confirmation box');
    await page.keyboard.press('Space');
    expect((await focused()).checked).toBe(true);
    await tabTo((f) => f.tag === 'button' && f.text === '登録する', 'the create button');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => /\/admin\/incidents\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    await publicHtml('/', (h) => h.includes('DNSの応答が遅い') && /data-component="dns" data-status="partial_outage"/.test(h));
  });

  it('posts an update', async () => {
    await tabTo((f) => f.tag === 'select' && f.id === 'f-status', 'the update status');
    await choose('identified');
    await tabTo(labelled('本文（日本語・Markdown）'), 'the update’s Japanese body');
    await page.keyboard.type('原因を特定しました。');
    await tabTo(labelled('本文（英語・Markdown）'), 'the update’s English body');
    await page.keyboard.type('We found the cause.');
    await tabTo(labelled('お客様に公開される内容を確認しました'), 'the confirmation box');
    await page.keyboard.press('Space');
    // One step back and forward again: Shift+Tab works like Tab.
    await tabTo(labelled(/通知/), 'the notify box', { back: true });
    await tabTo(labelled('お客様に公開される内容を確認しました'), 'the confirmation box');
    await tabTo((f) => f.tag === 'button' && f.text === '投稿する', 'the post button');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.form-ok').first().innerText()).toBe('保存しました。');
    await publicHtml('/', (h) => h.includes('原因を特定しました。'));
  });

  it('resolves it, with the component back to operational', async () => {
    await page.reload();
    await tabTo((f) => f.tag === 'select' && f.id === 'f-status', 'the update status');
    await choose('resolved');
    await tabTo((f) => f.tag === 'select' && f.text.startsWith('DNS'), 'the DNS component status');
    await choose('operational');
    await tabTo(labelled('本文（日本語・Markdown）'), 'the Japanese body');
    await page.keyboard.type('復旧しました。');
    await tabTo(labelled('本文（英語・Markdown）'), 'the English body');
    await page.keyboard.type('Resolved.');
    await tabTo(labelled('お客様に公開される内容を確認しました'), 'the confirmation box');
    await page.keyboard.press('Space');
    await tabTo((f) => f.tag === 'button' && f.text === '投稿する', 'the post button');
    await page.keyboard.press('Enter');
    // A resolved incident takes no more updates: the console drops the form.
    await expect.poll(() => page.locator('#update-heading').count(), { timeout: 30_000 }).toBe(0);
  });

  it('shows it resolved on the public status page', async () => {
    await publicHtml('/', (h) => h.includes('data-indicator="none"'));
    await page.goto(`${site.url}/`);
    const card = page.locator('.incident-card', { hasText: 'DNSの応答が遅い' });
    expect(await card.locator('.badge.status-resolved').innerText()).toBe('復旧');
    expect(await page.locator('[data-component="dns"]').getAttribute('data-status')).toBe('operational');
    // And the reader gets there by keyboard too: the card's link takes focus visibly.
    await tabTo((f) => f.tag === 'a' && f.text.includes('DNSの応答が遅い'), 'the incident’s link');
  });

  it('found a visible focus indicator on every control focus reached', () => {
    expect([...invisible]).toEqual([]);
  });
});
