import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { ROOT, startSite, type RunningSite } from '../support/site';

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  site = await startSite();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

async function h2s(page: Page): Promise<string[]> {
  return page.locator('main h2').allInnerTexts();
}

describe('a customer reads the 2014 report in Chromium', () => {
  it('follows the incident from the status page, in Japanese then English', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${site.url}/`);
    await expect.poll(() => page.locator('.status-banner').innerText()).toContain('全サービス正常');
    expect(await page.locator('h1').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'status-ja.png'), fullPage: true });

    // The 2014 incident is older than 14 days, so it is reached through the history.
    await page.getByRole('link', { name: '障害履歴' }).first().click();
    await page.waitForURL(/\/history$/);
    await page.getByRole('link', { name: /12月2日、3日、4日に発生したメール受信遅延/ }).click();
    await page.waitForURL(/\/incidents\/2014-12-02-mail-delay$/);

    const headings = await h2s(page);
    const sections = ['1. 発生日時', '2. 事象', '3. 原因', '4. 影響範囲', '5. 対処', '6. 今後の対策'];
    expect(headings.filter((h) => sections.includes(h))).toEqual(sections);
    expect(headings).toContain('メールの損失について');
    expect(headings).toContain('お問い合わせ');
    await expect.poll(() => page.locator('[data-max-delay-minutes]').innerText()).toBe('1時間30分');
    expect(await page.locator('.timeline-entry').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: path.join(SHOTS, 'incident-ja.png'), fullPage: true });

    await page.getByRole('link', { name: /English/ }).click();
    await page.waitForURL(/\/en\/incidents\/2014-12-02-mail-delay$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    const en = await h2s(page);
    const enSections = ['1. When it happened', '2. What happened', '3. Cause', '4. Scope', '5. What we did', '6. Countermeasures'];
    expect(en.filter((h) => enSections.includes(h))).toEqual(enSections);
    expect(await page.locator('[data-max-delay-minutes]').innerText()).toBe('1 h 30 min');
    expect(await page.locator('main').innerText()).toContain('Tue, Dec 2, 2014 11:00 JST');
    await page.screenshot({ path: path.join(SHOTS, 'incident-en.png'), fullPage: true });

    await page.getByRole('link', { name: /日本語/ }).click();
    await page.waitForURL(/\/incidents\/2014-12-02-mail-delay$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await page.close();
  });

  it('reads on a phone without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true });
    for (const p of ['/', '/incidents/2014-12-02-mail-delay']) {
      await page.goto(`${site.url}${p}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, p).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: path.join(SHOTS, 'incident-phone.png'), fullPage: false });
    await page.close();
  });

  it('lets a keyboard user skip to the content', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('本文へ移動');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#main$/);
    await page.close();
  });
});
