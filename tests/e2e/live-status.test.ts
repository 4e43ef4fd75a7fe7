import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchChromium } from '../support/browser';
import { makeRollup } from '../support/rollups';
import { isolatedSite, ROOT, startSite, type RunningSite } from '../support/site';

// A customer keeps the status page open while mail delay rises and falls, measured by an MTA.
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const token = inject('ingestToken');
let site: RunningSite;
let browser: Browser;
let page: Page;

const WINDOW = 10_000;
let cursor = Math.floor((Date.now() - 8 * 60_000) / WINDOW) * WINDOW;

async function push(delaySeconds: number, windows: number, queueDepth = 3) {
  const rollups = [];
  for (let i = 0; i < windows; i++, cursor += WINDOW) {
    const r = makeRollup('mx-e2e', new Date(cursor), Array.from({ length: 12 }, (_, k) => delaySeconds * (0.5 + k / 24)));
    r.queue_depth = queueDepth;
    rollups.push(r);
  }
  const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rollups }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const isolated = isolatedSite('live-status');
  // Back-dated windows: "no data" is measured in wall time, so give it room here.
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(isolated.DATABASE_URL.replace(/^file:/, ''));
  db.prepare('UPDATE ComponentMetricRule SET noDataAfterS = 3600').run();
  db.close();
  site = await startSite({ ...isolated, AUTO_RESOLVE_MINUTES: '0', RULE_TICK_SECONDS: '1' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const banner = () => page.locator('.status-banner');
const inbound = () => page.locator('[data-component="mail-inbound"]');

// Status changes refresh the page at once; plain figures within the 30-second revalidation.
async function reloadUntil(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 75_000;
  for (;;) {
    await page.goto(`${site.url}/`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`the page never showed ${what}`);
    await page.waitForTimeout(500);
  }
}

describe('live status in Chromium', () => {
  it('shows a normal day as operational, with the measured delay', async () => {
    await push(3, 12);
    await reloadUntil(async () => (await inbound().locator('.component-delay').count()) > 0, 'the current delay');
    expect(await banner().innerText()).toContain('全サービス正常');
    expect(await inbound().getAttribute('data-status')).toBe('operational');
  });

  it('shows rising delay: banner, component, chart and an automatic incident', async () => {
    await push(14 * 60, 3, 800);
    await push(50 * 60, 3, 2400);
    await reloadUntil(async () => (await inbound().getAttribute('data-status')) === 'partial_outage', 'the partial outage');
    expect(await banner().innerText()).toContain('一部システムで障害が発生しています');
    expect(await inbound().innerText()).toContain('一部障害');
    const incident = page.locator('.unresolved .incident-card');
    expect(await incident.count()).toBe(1);
    expect(await incident.innerText()).toContain('メール受信の遅延');
    expect(await incident.innerText()).toMatch(/最大で約\d+分の遅延|遅延が拡大/);
    const chart = page.locator('[data-chart="delay-24h"]');
    expect(await chart.locator('path.line-p95').getAttribute('d')).toMatch(/^M/);
    expect(await chart.locator('desc').textContent()).toMatch(/最大遅延は(\d+時間)?\d+分/);
    await page.screenshot({ path: path.join(SHOTS, 'live-incident.png'), fullPage: true });

    await incident.getByRole('link').click();
    await page.waitForURL(/\/incidents\/\d{8}-\d{4}-mail-inbound-delay$/);
    expect(await page.locator('h1').innerText()).toBe('メール受信の遅延');
    expect(await page.locator('[data-chart="incident-delay"]').count()).toBe(1);
  });

  it('recovers: monitoring, then resolved, and the banner is green again', async () => {
    await push(2, 32);
    await reloadUntil(async () => (await banner().getAttribute('data-indicator')) === 'none', 'recovery');
    expect(await inbound().getAttribute('data-status')).toBe('operational');
    expect(await page.locator('.unresolved').count()).toBe(0);
    const recent = page.locator('.incident-card', { hasText: 'メール受信の遅延' });
    expect(await recent.innerText()).toContain('復旧');
    // The day's uptime bar now tells about the incident, on focus as on hover.
    const today = inbound().locator('.uptime-bars .day[tabindex]').last();
    await today.focus();
    expect(await today.locator('.day-tip').isVisible()).toBe(true);
    expect(await today.locator('.day-tip').innerText()).toContain('メール受信の遅延');
    await page.screenshot({ path: path.join(SHOTS, 'live-recovered.png'), fullPage: true });
  });
});
