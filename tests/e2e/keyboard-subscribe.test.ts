import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { focusedElement, type Focused } from '../support/keyboard';
import { openDatabase, type TestDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';

// A reader who uses only the keyboard subscribes: Tab and Shift+Tab to move, arrow keys in the
// channel tabs, radio groups and selects, Space and Enter to act, typing for text. No mouse, no
// click() or fill(). Every control focus lands on shows where focus is.
let site: RunningSite;
let browser: Browser;
let page: Page;
let db: TestDatabase;
const TOKEN_SECRET = 'keyboard-subscribe-token-secret-0123456789';

beforeAll(async () => {
  const isolated = isolatedSite('keyboard-subscribe');
  db = openDatabase(isolated.DATABASE_URL);
  // Loopback stands in for the reader's webhook endpoint; no mail server: the mail is not the point here.
  site = await startSite({ ...isolated, WEBHOOK_ALLOW_LOOPBACK: 'true', NOTICE_TOKEN_SECRET: TOKEN_SECRET, SMTP_URL: 'smtp://127.0.0.1:9' }, { worker: false });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await db?.$disconnect();
});

const focused = () => focusedElement(page);

/** Controls that were focused without a visible focus indicator, over the whole walk. */
const invisible = new Set<string>();

async function check(): Promise<Focused> {
  const f = await focused();
  if (!f.indicator) invisible.add(`${f.tag}${f.type ? `[${f.type}]` : ''} "${f.text.slice(0, 40)}"${f.name ? ` name=${f.name}` : ''}`);
  return f;
}

/** Presses Tab (or Shift+Tab) until focus is on what `wanted` describes; checks every stop on the way. */
async function tabTo(wanted: (f: Focused) => boolean, what: string, options: { back?: boolean; max?: number } = {}): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < (options.max ?? 80); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const f = await check();
    seen.push(`${f.tag}${f.type ? `[${f.type}]` : ''}${f.role ? `(${f.role})` : ''} "${f.text.slice(0, 50)}"${f.name ? ` name=${f.name}` : ''}`);
    if (wanted(f)) return f;
  }
  throw new Error(`Tab never reached ${what}; focus went through:\n${seen.join('\n')}`);
}

async function press(key: string): Promise<Focused> {
  await page.keyboard.press(key);
  return check();
}

const visible = (selector: string) => page.locator(selector).first().isVisible();

/** The components chosen in the first walk, followed on the manage page in the second. */
const picks: string[] = [];

describe('keyboard only: subscribing', () => {
  it('subscribes by email to two chosen components, then registers a webhook for the same choice, in under a minute', async () => {
    const started = Date.now();
    await page.goto(`${site.url}/en/subscribe`);
    await page.waitForSelector('[role="tablist"]'); // the tabs are live once the page's script runs

    // The channel tabs: Email is selected; the picker's default is everything, present and future.
    const tab = await tabTo((f) => f.role === 'tab', 'the channel tabs');
    expect(tab.text).toBe('Email');
    const all = await tabTo((f) => f.type === 'radio', 'the picker');
    expect([all.value, all.checked]).toEqual(['all', true]);
    expect(await visible('.picker-tree')).toBe(false);
    const chosen = await press('ArrowDown');
    expect([chosen.value, chosen.checked]).toEqual(['chosen', true]);
    expect(await visible('.picker-tree')).toBe(true);

    // The first group opens with Enter; two of its components, not the whole group.
    const group = await tabTo((f) => f.tag === 'summary', 'the first group');
    expect(await page.locator('.picker-group').first().evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    await press('Enter');
    expect(await page.locator('.picker-group').first().evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    const whole = await tabTo((f) => f.name === 'group', 'the whole-group box');
    expect(whole.text).toContain(group.text.replace(/^▸\s*/, '').split(' ')[0]!);
    const picked: string[] = [];
    for (let i = 0; i < 2; i++) {
      const box = await tabTo((f) => f.name === 'component', 'a component');
      expect((await press('Space')).checked).toBe(true);
      picked.push(box.value);
    }
    expect(await page.getByTestId('subscribe-picker-count').textContent()).toBe('Chosen: 2 services');

    await tabTo((f) => f.text === 'Email address', 'the email field');
    await page.keyboard.type('keys-only@example.test');
    const lang = await tabTo((f) => f.text === 'Language of the notices', 'the language');
    expect(lang.value).toBe('en');
    await tabTo((f) => f.tag === 'button' && f.text === 'Subscribe', 'the subscribe button');
    await page.keyboard.press('Enter');

    // A clear panel says what happens next, and takes focus.
    await page.getByTestId('subscribe-sent').waitFor();
    expect(await page.getByTestId('subscribe-sent').textContent()).toContain('Check your inbox');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('subscribe-sent');
    const subscriber = await db.subscriber.findUniqueOrThrow({ where: { email: 'keys-only@example.test' }, include: { components: { include: { component: true } }, groups: true } });
    expect([subscriber.status, subscriber.allComponents, subscriber.lang]).toEqual(['pending', false, 'en']);
    expect(subscriber.components.map((c) => c.component.slug).sort()).toEqual([...picked].sort());
    expect(subscriber.groups).toEqual([]);
    picks.push(...picked);

    // Back to the tabs; the arrow key moves to Webhook or chat, and the choice of components stays.
    const back = await tabTo((f) => f.role === 'tab', 'the channel tabs', { back: true });
    expect(back.text).toBe('Email');
    const webhookTab = await press('ArrowRight');
    expect([webhookTab.role, webhookTab.text]).toEqual(['tab', 'Webhook or chat']);
    expect(await page.getByRole('tab', { name: 'Webhook or chat' }).getAttribute('aria-selected')).toBe('true');
    expect(new URL(page.url()).search).toBe('?channel=webhook');
    const scope = await tabTo((f) => f.type === 'radio', 'the picker');
    expect([scope.value, scope.checked]).toEqual(['chosen', true]);
    expect(await page.getByTestId('webhook-picker-count').textContent()).toBe('Chosen: 2 services');

    // Statuspage JSON is the default format; an arrow key in the select would pick a chat platform.
    const format = await tabTo((f) => f.name === 'format', 'the format');
    expect(format.value).toBe('statuspage');
    await tabTo((f) => f.text === 'Webhook URL', 'the URL field');
    await page.keyboard.type('http://127.0.0.1:9/keyboard-hook');
    await tabTo((f) => f.tag === 'button' && f.text === 'Register the webhook', 'the register button');
    await page.keyboard.press('Enter');

    const panel = page.getByTestId('webhook-registered');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('We POSTed a confirmation request');
    expect(await page.getByTestId('webhook-secret').textContent()).toMatch(/^whsec_/);
    expect(await page.getByTestId('webhook-manage-token').textContent()).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // The shown-once values can be copied from the keyboard too.
    await tabTo((f) => f.tag === 'button' && f.text === 'Copy', 'the copy button');
    const endpoint = await db.webhookEndpoint.findFirstOrThrow({ where: { url: 'http://127.0.0.1:9/keyboard-hook' }, include: { components: { include: { component: true } } } });
    expect([endpoint.status, endpoint.allComponents, endpoint.lang]).toEqual(['pending', false, 'en']);
    expect(endpoint.components.map((c) => c.component.slug).sort()).toEqual([...picked].sort());

    expect([...invisible]).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('the manage page says what is followed, takes a whole group and confirms the save; unsubscribing confirms plainly', async () => {
    expect(picks).toHaveLength(2);
    const subscriber = await db.subscriber.update({ where: { email: 'keys-only@example.test' }, data: { status: 'active', confirmedAt: new Date() } });
    const token = `${subscriber.id}.1.${createHmac('sha256', TOKEN_SECRET).update(`subscriber:${subscriber.id}:1`).digest('base64url')}`;
    const components = await db.component.findMany({ where: { slug: { in: picks } }, include: { group: true } });
    await page.goto(`${site.url}/en/subscriptions/manage?token=${encodeURIComponent(token)}`);
    await page.waitForSelector('.picker-tree:not([hidden])');
    expect((await page.getByTestId('following').locator('li').allTextContents()).sort()).toEqual(components.map((c) => c.nameEn).sort());

    // The group of the chosen components starts open; its own box takes the whole group.
    const scope = await tabTo((f) => f.type === 'radio', 'the picker');
    expect([scope.value, scope.checked]).toEqual(['chosen', true]);
    const group = components[0]!.group!;
    const whole = await tabTo((f) => f.name === 'group' && f.value === group.slug, 'the whole-group box');
    expect(whole.checked).toBe(false);
    expect((await press('Space')).checked).toBe(true);
    expect(await page.getByTestId('manage-picker-count').textContent()).toBe('Chosen: 1 group');
    await tabTo((f) => f.tag === 'button' && f.text === 'Save', 'the save button');
    await page.keyboard.press('Enter');
    await page.getByTestId('manage-saved').waitFor();
    expect(await page.getByTestId('manage-saved').textContent()).toContain('Your subscription was saved.');
    expect(await page.getByTestId('following').locator('li').allTextContents()).toEqual([`${group.nameEn} (the whole group, including services added later)`]);
    const saved = await db.subscriber.findUniqueOrThrow({ where: { id: subscriber.id }, include: { groups: { include: { group: true } } } });
    expect(saved.groups.map((g) => g.group.slug)).toEqual([group.slug]);

    await tabTo((f) => f.tag === 'a' && f.text === 'Unsubscribe', 'the unsubscribe link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/en\/unsubscribe\?token=/);
    await tabTo((f) => f.tag === 'button' && f.text === 'Unsubscribe', 'the unsubscribe button');
    await page.keyboard.press('Enter');
    await page.getByTestId('unsubscribed').waitFor();
    expect(await page.getByTestId('unsubscribed').textContent()).toContain('You are unsubscribed');
    expect((await db.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).status).toBe('unsubscribed');
    expect([...invisible]).toEqual([]);
  }, 60_000);
});
