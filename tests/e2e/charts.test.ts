import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { formatInTimeZone } from 'date-fns-tz';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { makeRollup } from '../support/rollups';
import { isolatedSite, ROOT, startSite, type RunningSite } from '../support/site';

// A customer reads the delay and queue charts on a desktop and on a 390 px phone: first on a
// fresh site with no measurements, then after a healthy day (sub-second delays, few mails at night).
const SHOTS = path.join(ROOT, 'test-results', 'screenshots', 'charts');
const TIME_ZONE = 'Asia/Tokyo'; // the site's default SITE_TIME_ZONE, which the test site keeps
const token = inject('ingestToken');
const WIDTHS = [1280, 390] as const;
const RANGES = ['delay-24h', 'queue-24h', 'delay-7d', 'queue-7d', 'delay-30d', 'queue-30d'];
const PAGES = [
  { name: 'status', path: '/', charts: ['delay-24h', 'queue-24h'], noData: 'この期間のデータはありません' },
  { name: 'component', path: '/components/mail-inbound', charts: RANGES, noData: 'この期間のデータはありません' },
  { name: 'component-en', path: '/en/components/mail-inbound', charts: RANGES, noData: 'No data for this period' },
];
// A short incident three hours ago: its chart covers two hours, with a crowded time axis.
const INCIDENT = { slug: 'charts-short-delay', startedAt: Math.floor(Date.now() / 3_600_000 - 3) * 3_600_000 + 40 * 60_000 };
const INCIDENT_PAGE = { name: 'incident', path: `/incidents/${INCIDENT.slug}`, charts: ['incident-delay', 'incident-queue'], noData: 'この期間のデータはありません' };

let site: RunningSite;
let browser: Browser;
const contexts = new Map<number, BrowserContext>();
const pages = new Map<number, Page>();

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const isolated = isolatedSite('charts');
  const db = new Database(isolated.DATABASE_URL.replace(/^file:/, ''));
  // A site with no measurements yet: the copy leaves out what earlier test files measured.
  db.exec('DELETE FROM MailMetricRollup; DELETE FROM MailMetricBucket;');
  const stored = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
  db.prepare(
    "INSERT INTO Incident (id, slug, titleJa, titleEn, impact, status, startedAt, resolvedAt, published, source, createdAt, updatedAt) VALUES ('inc-charts', ?, 'メール受信の遅延', 'Mail reception delay', 'minor', 'resolved', ?, ?, 1, 'console', ?, ?)",
  ).run(INCIDENT.slug, stored(INCIDENT.startedAt), stored(INCIDENT.startedAt + 10 * 60_000), stored(INCIDENT.startedAt), stored(INCIDENT.startedAt));
  db.prepare("INSERT INTO IncidentUpdate (id, incidentId, status, bodyJa, bodyEn, displayAt, createdAt, updatedAt) VALUES ('incu-charts', 'inc-charts', 'resolved', '復旧しました。', 'Resolved.', ?, ?, ?)").run(
    stored(INCIDENT.startedAt + 10 * 60_000),
    stored(INCIDENT.startedAt + 10 * 60_000),
    stored(INCIDENT.startedAt + 10 * 60_000),
  );
  db.close();
  site = await startSite(isolated);
  browser = await launchChromium();
  for (const width of WIDTHS) {
    const phone = width < 600;
    const context = await browser.newContext({ viewport: { width, height: phone ? 844 : 900 }, deviceScaleFactor: phone ? 2 : 1, isMobile: phone, hasTouch: phone });
    contexts.set(width, context);
    pages.set(width, await context.newPage());
  }
});
afterAll(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
  await site?.stop();
});

/** Healthy mail: every 10 minutes over the last 6 hours, and a mail or two per hour before that, back 40 hours. */
function healthyRollups() {
  const WINDOW = 10_000;
  const now = Math.floor(Date.now() / WINDOW) * WINDOW - WINDOW;
  const rollups = [];
  const healthy = [0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.14, 0.16];
  for (let t = now; t > now - 6 * 3_600_000; t -= 10 * 60_000) rollups.push({ ...makeRollup('mx-charts', new Date(t), healthy), queue_depth: 2 });
  for (let t = now - 6 * 3_600_000 - 50 * 60_000, k = 0; t > now - 40 * 3_600_000; t -= 50 * 60_000, k++) {
    rollups.push({ ...makeRollup('mx-charts', new Date(t), k % 2 ? [0.06] : [0.09, 0.15]), queue_depth: 0 });
  }
  return rollups;
}

async function pushHealthyDay() {
  const rollups = healthyRollups();
  for (let i = 0; i < rollups.length; i += 400) {
    const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups: rollups.slice(i, i + 400) }),
    });
    expect(res.status, await res.text()).toBe(200);
  }
}

const chart = (page: Page, id: string) => page.locator(`[data-chart="${id}"]`);

/** Pages regenerate in the background within 30 s of new measurements. */
async function openUntil(page: Page, url: string, check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 75_000;
  for (;;) {
    await page.goto(url);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${url} never showed ${what}`);
    await page.waitForTimeout(1000);
  }
}

async function screenshots(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const section = page.locator('section', { has: page.locator('[data-chart]') });
  for (let i = 0; i < (await section.count()); i++) {
    await section.nth(i).screenshot({ path: path.join(SHOTS, `${name}-chart${i + 1}.png`) });
  }
}

/** Every piece of chart text a reader sees, with the size it is drawn at in CSS pixels. */
function renderedTextSizes(page: Page) {
  return page.evaluate(() => {
    const out: { text: string; px: number }[] = [];
    for (const figure of document.querySelectorAll('[data-chart]')) {
      const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement!;
        const text = node.textContent!.trim();
        if (!text || el.closest('title, desc') || !el.getClientRects().length) continue;
        if (el.closest('details:not([open]) > :not(summary)')) continue;
        let px = parseFloat(getComputedStyle(el).fontSize);
        // SVG text shrinks with its drawing when the SVG is scaled down to the screen.
        if (el instanceof SVGGraphicsElement) {
          const m = el.getScreenCTM()!;
          px *= Math.min(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d));
        }
        out.push({ text, px: Math.round(px * 10) / 10 });
      }
    }
    return out;
  });
}

/** Labels of one axis that run into each other (time labels side by side, delay labels stacked). */
function overlappingLabels(page: Page) {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const figure of document.querySelectorAll('[data-chart]')) {
      for (const [selector, horizontal] of [['.chart-x time', true], ['.chart-y span', false]] as const) {
        const boxes = [...figure.querySelectorAll(selector)]
          .filter((e) => e.getClientRects().length)
          .map((e) => ({ text: e.textContent, r: e.getBoundingClientRect() }))
          .sort((a, b) => (horizontal ? a.r.left - b.r.left : a.r.top - b.r.top));
        for (let i = 1; i < boxes.length; i++) {
          const [a, b] = [boxes[i - 1], boxes[i]];
          if (horizontal ? a.r.right + 2 > b.r.left : a.r.bottom > b.r.top) out.push(`${figure.getAttribute('data-chart')}: ${a.text} / ${b.text}`);
        }
      }
    }
    return out;
  });
}

/** The plot's delay lines and gridlines, in page pixels. */
async function delayGeometry(figure: Locator) {
  return figure.evaluate((el) => {
    const svg = el.querySelector('svg.chart-svg')!;
    const box = (e: Element) => {
      const r = e.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    return {
      plot: box(svg),
      lines: [...svg.querySelectorAll('.line-p50, .line-p95, .line-max, .line-dots')].map((e) => ({ cls: e.getAttribute('class'), ...box(e) })),
      gridY: [...svg.querySelectorAll('.grid line')].map((e) => box(e).top),
    };
  });
}

describe('charts in Chromium', () => {
  it('says so in every chart when there is no data, legibly at 390 px', async () => {
    for (const width of WIDTHS) {
      const page = pages.get(width)!;
      for (const p of PAGES) {
        await page.goto(`${site.url}${p.path}`);
        for (const id of p.charts) {
          const figure = chart(page, id);
          expect(await figure.getByText(p.noData).isVisible(), `${p.path} ${id} at ${width} px`).toBe(true);
          expect(await figure.locator('.chart-legend li').count(), `${id} legend`).toBeGreaterThan(0);
        }
        await screenshots(page, `${p.name}-${width}-empty`);
        if (width === 390) {
          const small = (await renderedTextSizes(page)).filter((t) => t.px < 12);
          expect(small, `${p.path}: chart text below 12 px`).toEqual([]);
          expect(await overlappingLabels(page), `${p.path}: labels running into each other`).toEqual([]);
        }
      }
    }
  });

  it('draws a healthy day (sub-second delays) above the lowest gridline, on every range', async () => {
    await pushHealthyDay();
    for (const width of WIDTHS) {
      const page = pages.get(width)!;
      for (const p of [...PAGES, INCIDENT_PAGE]) {
        const first = () => chart(page, p.charts[0]);
        await openUntil(page, `${site.url}${p.path}`, async () => (await first().count()) === 1 && (await first().getByText(p.noData).count()) === 0, 'the new measurements');
        for (const id of p.charts.filter((c) => c.includes('delay'))) {
          const figure = chart(page, id);
          expect(await figure.getByText(p.noData).count(), `${id} has data`).toBe(0);
          const g = await delayGeometry(figure);
          expect(g.lines.length, `${id}: lines drawn`).toBeGreaterThan(0);
          expect(g.gridY.length, `${id}: gridlines`).toBeGreaterThan(1);
          const lowestGrid = Math.max(...g.gridY);
          for (const line of g.lines) {
            const where = `${p.path} ${id} ${line.cls} at ${width} px`;
            expect(line.bottom, `${where}: above the lowest gridline`).toBeLessThan(lowestGrid - 3);
            expect(line.top, `${where}: inside the plot`).toBeGreaterThanOrEqual(g.plot.top);
            expect(line.left, where).toBeGreaterThanOrEqual(g.plot.left);
            expect(line.right, where).toBeLessThanOrEqual(g.plot.right + 0.5);
          }
        }
        await screenshots(page, `${p.name}-${width}-data`);
        if (width === 390) {
          const small = (await renderedTextSizes(page)).filter((t) => t.px < 12);
          expect(small, `${p.path}: chart text below 12 px`).toEqual([]);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(390);
          expect(await overlappingLabels(page), `${p.path}: labels running into each other`).toEqual([]);
        }
      }
    }
  });

  it('titles, labels and explains the queue chart', async () => {
    const page = pages.get(390)!;
    await page.goto(`${site.url}/components/mail-inbound`);
    const figure = chart(page, 'queue-24h');
    const visible = await figure.innerText();
    expect(visible).toContain('配送待ちのメール（24時間）');
    expect(visible).toMatch(/通/);
    expect(await figure.locator('.chart-legend li').count()).toBeGreaterThan(0);
    expect(await figure.locator('.chart-legend').innerText()).toContain('待機中のメール数（10分ごとの最大）');
    expect(await figure.locator('svg.chart-svg .bar-queue').count()).toBeGreaterThan(0);
  });

  it('puts the time ticks on whole hours (24 h) and at midnight on every day (7 d) or every week (30 d)', async () => {
    const page = pages.get(1280)!;
    await page.goto(`${site.url}/components/mail-inbound`);
    const ticks = (id: string) =>
      chart(page, id).evaluate((el) =>
        [...el.querySelectorAll('.chart-x time')].map((t) => ({ at: t.getAttribute('datetime')!, text: t.textContent!, x: t.getBoundingClientRect().left + t.getBoundingClientRect().width / 2 })),
      );
    const local = (iso: string, pattern: string) => formatInTimeZone(new Date(iso), TIME_ZONE, pattern);

    const hours = await ticks('delay-24h');
    expect(hours.length).toBeGreaterThanOrEqual(4);
    for (const t of hours) expect(local(t.at, 'mm'), t.at).toBe('00');
    for (const t of hours) expect(t.text).toBe(local(t.at, local(t.at, 'HH:mm') === '00:00' ? 'M/d' : 'H:mm'));

    const days = await ticks('delay-7d');
    expect(days.length).toBeGreaterThanOrEqual(6);
    for (const t of days) expect(local(t.at, 'HH:mm'), t.at).toBe('00:00');
    for (const t of days) expect(t.text).toBe(local(t.at, 'M/d'));
    const gaps = days.slice(1).map((t, i) => t.x - days[i].x);
    for (const gap of gaps) expect(Math.abs(gap - gaps[0])).toBeLessThan(1.5);
    // Calendar days, 24 hours apart in Tokyo (no daylight saving there).
    for (let i = 1; i < days.length; i++) expect(Date.parse(days[i].at) - Date.parse(days[i - 1].at)).toBe(86_400_000);

    const weeks = await ticks('delay-30d');
    expect(weeks.length).toBeGreaterThanOrEqual(4);
    for (const t of weeks) expect(local(t.at, 'EEE HH:mm'), t.at).toBe('Mon 00:00');
  });
});
