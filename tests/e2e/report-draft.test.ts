import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { makeRollup } from '../support/rollups';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

// An automatic incident resolves and its final report is waiting in the console as a draft made
// from the measurements; staff fill in what data cannot know, publish, and customers read it.
let site: RunningSite;
let browser: Browser;
let staff: BrowserContext;
let page: Page;
let databaseFile = '';
const token = inject('ingestToken');
const WINDOW = 10_000;

beforeAll(async () => {
  const isolated = isolatedSite('report-draft');
  databaseFile = isolated.DATABASE_URL.replace(/^file:/, '');
  // Back-dated windows: "no data" is measured in wall time, so give it room here.
  const db = new Database(databaseFile);
  db.prepare('UPDATE ComponentMetricRule SET noDataAfterS = 3600').run();
  db.close();
  site = await startSite({ ...isolated, AUTO_RESOLVE_MINUTES: '0', RULE_TICK_SECONDS: '1' });
  browser = await launchChromium();
  staff = await signedInContext(browser, site.databaseUrl, site.url, 'editor@example.com', 'editor');
  page = await staff.newPage();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

function resolvedIncident() {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return db.prepare("SELECT id, slug, reportJa, postmortemPublishedAt FROM Incident WHERE source = 'auto' AND status IN ('resolved', 'postmortem')").get() as
      | { id: string; slug: string; reportJa: string; postmortemPublishedAt: unknown }
      | undefined;
  } finally {
    db.close();
  }
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 75_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${site.workerOutput().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const html = async (p: string) => (await fetch(`${site.url}${p}`)).text();

describe('the final report drafted from the evidence', () => {
  let incident: { id: string; slug: string };

  it('is drafted when the automatic incident resolves, and stays off the public page', async () => {
    // Eight minutes of traffic: healthy, four windows of ten messages twenty minutes late, healthy again.
    let t = Math.floor((Date.now() - 8 * 60_000) / WINDOW) * WINDOW;
    const rollups = [];
    for (let i = 0; t < Date.now() - 25_000; i++, t += WINDOW) {
      const slow = i >= 3 && i < 7;
      const r = makeRollup('mx-report', new Date(t), slow ? Array(10).fill(20 * 60) : [0.4, 2, 3]);
      r.queue_depth = 0;
      r.oldest_age_s = 0;
      rollups.push(r);
    }
    const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups }),
    });
    expect(res.status).toBe(200);
    incident = (await until(resolvedIncident, (i) => Boolean(i?.reportJa), 'the resolved incident’s draft'))!;
    expect(resolvedIncident()!.postmortemPublishedAt).toBeNull();
    const publicPage = await until(() => html(`/incidents/${incident.slug}`), (h) => h.includes('メール受信の遅延'), 'the incident page');
    expect(publicPage).not.toContain('【要記入】');
  });

  it('is shown in the console’s report editor, and drafted again on demand', async () => {
    await page.goto(`${site.url}/admin/incidents/${incident.id}`);
    const ja = page.locator('#f-reportJa');
    const draft = await ja.inputValue();
    expect(draft).toContain('## 1. 発生日時');
    expect(draft).toContain('| 約20分 |');
    expect(draft).toContain('メール受信において、最大約20分の遅延が発生しておりました。遅延の基準（約5分）を超えて配信されたメールは40通です。');
    expect(draft).toContain('## 3. 原因\n\n【要記入】原因を記入してください。');
    expect(draft).toContain('## メールの損失について');
    // Staff can start again from the data at any time: the editor is refilled, nothing is saved.
    await ja.fill('');
    await page.getByRole('button', { name: 'データから下書きを作成' }).click();
    await expect.poll(() => page.locator('#f-reportJa').inputValue()).toContain('最大約20分の遅延');
    expect(await page.locator('.report-editor [role="status"]').innerText()).toContain('データから下書きしました');
    await expect.poll(() => page.locator('[data-preview="reportJa"] h2').count()).toBeGreaterThanOrEqual(8);
  });

  it('is edited by staff and published: customers read the edited text with the measured figures', async () => {
    const ja = page.locator('#f-reportJa');
    const en = page.locator('#f-reportEn');
    await ja.fill((await ja.inputValue()).replace('【要記入】原因を記入してください。', '外部から大量のスパムメールが送信されたためです。'));
    await en.fill((await en.inputValue()).replace('[Staff to write] Write the cause.', 'A flood of spam from outside.'));
    await page.locator('.report-editor').getByLabel(/公開時に購読者へ/).uncheck();
    await page.locator('.report-editor').getByLabel('お客様に公開される内容を確認しました').check();
    await page.getByRole('button', { name: '報告を公開' }).click();
    await expect.poll(() => page.locator('.report-editor .form-ok').first().innerText()).toBe('保存しました。');

    const published = await until(() => html(`/incidents/${incident.slug}`), (h) => h.includes('外部から大量のスパムメールが送信されたためです。'), 'the published report');
    expect(published).toContain('最大約20分の遅延が発生しておりました');
    expect(published).toContain('>3. 原因</h2>');
    const english = await until(() => html(`/en/incidents/${incident.slug}`), (h) => h.includes('A flood of spam from outside.'), 'the English report');
    expect(english).toContain('Mail reception was delayed by up to about 20 minutes');
    // The worker never writes over staff's text.
    expect(resolvedIncident()!.reportJa).toContain('外部から大量のスパムメールが送信されたためです。');
  });
});
