// The console shows, beside each notice's progress, what came back once its copies left: hard
// bounces, soft ones and spam complaints (lib/notices/bounces applies them; here they are written
// as it writes them), in Japanese and in English.
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
let incidentId = '';
let noticeId = '';

beforeAll(async () => {
  const isolated = isolatedSite('bounce-console');
  db = openDatabase(isolated.DATABASE_URL);
  incidentId = (await db.incident.findFirstOrThrow({ select: { id: true } })).id;
  const notice = await db.notice.create({
    data: { kind: 'incident_update', dedupeKey: 'bounce-console', incidentId, subjectJa: '【続報】メール遅延', subjectEn: '[Update] Mail delays', textJa: 't', textEn: 't', htmlJa: 'h', htmlEn: 'h' },
  });
  noticeId = notice.id;
  const outcomes = ['hard', 'hard', 'soft', 'complaint', null, null] as const;
  for (const [i, bounceKind] of outcomes.entries()) {
    const s = await db.subscriber.create({ data: { email: `bounce-console-${i}@example.net`, status: 'active', confirmedAt: new Date() } });
    await db.noticeDelivery.create({
      data: { noticeId, subscriberId: s.id, lang: 'ja', status: 'sent', sentAt: new Date(), messageId: `<${noticeId}.${s.id}@localhost>`, bounceKind, bouncedAt: bounceKind ? new Date() : null },
    });
  }
  site = await startSite(isolated, { worker: false });
  browser = await launchChromium();
  staff = await signedInContext(browser, site.databaseUrl, site.url, 'bounces-editor@example.com', 'editor');
  page = await staff.newPage();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await db?.$disconnect();
});

describe('bounce and complaint figures per notice in the console', () => {
  it('are shown in both languages beside the notice’s progress', async () => {
    await page.goto(`${site.url}/admin/incidents/${incidentId}`);
    const notice = page.locator(`[data-notice="${noticeId}"]`);
    await expect.poll(() => notice.locator('[data-count="sent"]').textContent()).toBe('送信済み: 6');
    expect(await notice.locator('[data-count="bounced"]').textContent()).toBe('不達（宛先なし等）: 2');
    expect(await notice.locator('[data-count="soft-bounced"]').textContent()).toBe('一時的な不達: 1');
    expect(await notice.locator('[data-count="complaints"]').textContent()).toBe('迷惑メール報告: 1');

    await staff.addCookies([{ name: 'tayori_admin_lang', value: 'en', url: site.url }]);
    await page.goto(`${site.url}/admin/incidents/${incidentId}`);
    expect(await notice.locator('[data-count="bounced"]').textContent()).toBe('bounced: 2');
    expect(await notice.locator('[data-count="soft-bounced"]').textContent()).toBe('delayed or deferred: 1');
    expect(await notice.locator('[data-count="complaints"]').textContent()).toBe('marked as spam: 1');
  });

  it('come with the progress the console polls', async () => {
    const cookie = (await staff.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await fetch(`${site.url}/admin/notices/${noticeId}/progress`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect((await response.json()).bounces).toEqual({ hard: 2, soft: 1, complaints: 1 });
  });
});
