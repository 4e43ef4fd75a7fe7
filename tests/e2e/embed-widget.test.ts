import { createServer, type Server } from 'node:http';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { freePort, isolatedSite, startSite, type RunningSite } from '../support/site';

// A customer's own site, on another origin, embeds the status widget and the badge.
let site: RunningSite;
let customer: Server;
let customerUrl: string;
let browser: Browser;
let page: Page;

// An ongoing incident whose title holds markup: the widget must show it as text.
const TITLE_EN = 'Webmail <b>slow</b> & "stuck"';
const TITLE_JA = 'Webメール<img src=x onerror="window.pwned=1">遅延';

function customerPage(lang: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Customer</title></head><body><h1>Our shop</h1>${body}</body></html>`;
}

beforeAll(async () => {
  const isolated = isolatedSite('embed-widget');
  const db = new Database(isolated.DATABASE_URL.replace(/^file:/, ''));
  const stored = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
  const now = stored(Date.now());
  const past = stored(Date.now() - 60_000);
  const later = stored(Date.now() + 3600_000);
  db.prepare(
    "INSERT INTO Incident (id, slug, titleJa, titleEn, impact, status, startedAt, published, source, createdAt, updatedAt) VALUES ('inc-markup', 'webmail-slow', ?, ?, 'minor', 'identified', ?, 1, 'console', ?, ?)",
  ).run(TITLE_JA, TITLE_EN, now, now, now);
  db.prepare("INSERT INTO IncidentUpdate (id, incidentId, status, bodyJa, bodyEn, displayAt, createdAt, updatedAt) VALUES ('incu-markup', 'inc-markup', 'identified', '原因を特定しました。', 'Cause identified.', ?, ?, ?)").run(now, now, now);
  // Maintenance due now: the site's own tick starts it and refreshes the status pages, which
  // then show the incident written above as well.
  db.prepare(
    "INSERT INTO Maintenance (id, slug, titleJa, titleEn, status, scheduledFor, scheduledUntil, published, createdAt, updatedAt) VALUES ('mnt-dns', 'dns-work', 'DNS作業', 'DNS work', 'scheduled', ?, ?, 1, ?, ?)",
  ).run(past, later, past, past);
  db.prepare("INSERT INTO MaintenanceComponent (maintenanceId, componentId) SELECT 'mnt-dns', id FROM Component WHERE slug = 'dns'").run();
  db.close();
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '1' });

  const pages: Record<string, string> = {
    // Language from the host page's <html lang>.
    '/ja.html': customerPage('ja', `<p>お知らせ</p><script src="${site.url}/embed.js" async></script><footer>フッター</footer>`),
    // Language from data-lang, placed in a chosen element.
    '/en.html': customerPage(
      'de',
      `<div id="status-slot"></div><img id="badge" alt="" src="${site.url}/badge.svg?lang=en"><script src="${site.url}/embed.js" data-lang="en" data-target="#status-slot"></script>`,
    ),
  };
  const port = await freePort();
  customerUrl = `http://127.0.0.1:${port}`;
  customer = createServer((req, res) => {
    const html = pages[req.url ?? ''];
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => customer.listen(port, '127.0.0.1', resolve));

  browser = await launchChromium();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => customer?.close(resolve));
  await site?.stop();
});

/** The banner of the status page once it shows the incident (pages regenerate when the maintenance starts). */
async function bannerOnStatusPage(path: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await page.goto(`${site.url}${path}`);
    const indicator = await page.locator('.status-banner').getAttribute('data-indicator');
    if (indicator !== 'none' || Date.now() > deadline) return (await page.locator('.status-banner-text').innerText()).trim();
    await page.waitForTimeout(500);
  }
}

describe('status widget on another site', () => {
  it('shows the status page banner and the ongoing incident in the host page language', async () => {
    const expected = await bannerOnStatusPage('/');
    expect(expected).toBe('一部サービスで障害が発生しています');

    await page.goto(`${customerUrl}/ja.html`);
    expect(new URL(page.url()).origin).not.toBe(site.url);
    const widget = page.locator('.tayori-status');
    await expect.poll(() => widget.locator('.tayori-status-banner').textContent(), { timeout: 15_000 }).toBe(expected);
    expect(await widget.getAttribute('data-indicator')).toBe('minor');
    expect(await widget.getAttribute('role')).toBe('status');
    // The markup in the title is shown as text, never parsed.
    expect(await widget.locator('.tayori-status-incident').textContent()).toBe(TITLE_JA);
    expect(await widget.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    // Placed where the script tag is, between the host's own content.
    expect(await page.locator('p + .tayori-status + script + footer').count()).toBe(1);
    // The banner links to the status page.
    expect(await widget.locator('.tayori-status-banner').getAttribute('href')).toBe(site.url);
  });

  it('uses data-lang and data-target, and links the incident to its English page', async () => {
    const expected = await bannerOnStatusPage('/en');
    expect(expected).toBe('Minor Service Outage');

    await page.goto(`${customerUrl}/en.html`);
    const widget = page.locator('#status-slot > .tayori-status');
    await expect.poll(() => widget.locator('.tayori-status-banner').textContent(), { timeout: 15_000 }).toBe(expected);
    const incident = widget.locator('.tayori-status-incident a');
    expect(await incident.textContent()).toBe(TITLE_EN);
    expect(await widget.locator('b').count()).toBe(0);
    expect(await incident.getAttribute('href')).toBe(`${site.url}/en/incidents/webmail-slow`);
  });

  it('shows the status badge as an image on the other site', async () => {
    await page.goto(`${customerUrl}/en.html`);
    const badge = page.locator('#badge');
    await expect.poll(() => badge.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(100);
    expect(await badge.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(20);

    await page.goto(`${site.url}/badge.svg?lang=en`);
    expect(await page.locator('svg title').textContent()).toBe('Tayori Status: Minor Service Outage');
  });
});
