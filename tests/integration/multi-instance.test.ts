import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { withDatabase } from '../support/database';
import { isolatedSite, startSite, type RunningSite } from '../support/site';

// Several site instances share one database but each keeps its own page cache. A change made
// through another instance is written here straight into the database, as that instance would;
// this instance must pick it up at its next rule tick, without waiting for its pages to age out.
let site: RunningSite;
let databaseUrl: string;
const token = inject('ingestToken');

beforeAll(async () => {
  const isolated = isolatedSite('multi-instance');
  databaseUrl = isolated.DATABASE_URL;
  // Only the change below may move the status: no "no data" while the test runs.
  await withDatabase(databaseUrl, (db) => db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } }));
  // The test calls the tick itself, so the timer never runs one in between.
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '300' }, { worker: false });
});
afterAll(async () => {
  await site?.stop();
});

async function tick(): Promise<{ changedElsewhere: boolean }> {
  const res = await fetch(`${site.url}/api/internal/tick`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

async function statusPage(): Promise<{ html: string; cache: string | null }> {
  const res = await fetch(`${site.url}/en`);
  expect(res.status).toBe(200);
  return { html: await res.text(), cache: res.headers.get('x-nextjs-cache') };
}

describe('a change made through another instance', () => {
  it('reaches this instance’s cached status page at its next tick', async () => {
    expect((await tick()).changedElsewhere).toBe(false);
    expect((await tick()).changedElsewhere).toBe(false);
    // A fresh copy in this instance's cache: served as is until something revalidates it.
    for (let i = 0; i < 50 && (await statusPage()).cache !== 'HIT'; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await statusPage()).html).toMatch(/data-indicator="none"/);

    await withDatabase(databaseUrl, (db) => db.component.update({ where: { slug: 'vps' }, data: { status: 'major_outage' } }));
    const before = await statusPage();
    expect(before.cache).toBe('HIT');
    expect(before.html).toMatch(/data-indicator="none"/);

    expect((await tick()).changedElsewhere).toBe(true);
    const after = await statusPage();
    expect(after.html).not.toMatch(/data-indicator="none"/);
    expect(after.html).toContain('Major outage');
    expect((await tick()).changedElsewhere).toBe(false);
  });
});
