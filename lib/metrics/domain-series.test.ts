// Per-domain series from rollups, through the ingest's own transaction, on a real SQLite database
// with the real migrations: two MTAs reporting the same hosted domain add up, what waited at an
// older window is not "waiting now", and names summed in "other" are never kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowWindow, QueueTally } from '#contracts/rollup-builder';
import { rollupSchema, type Rollup } from '#contracts/rollup-schema';
import { migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let ingest: typeof import('./ingest');
let queries: typeof import('./domain-delay');
let db: typeof import('../db').db;

beforeAll(async () => {
  database = migratedSqlite('domain-series');
  process.env.DATABASE_URL = database.url;
  ingest = await import('./ingest');
  queries = await import('./domain-delay');
  db = (await import('../db')).db;
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

/** One source's inbound rollup: `delivered` delays per domain, `waiting` recipients (age in s) per domain. */
function rollup(source: string, start: number, delivered: Record<string, number[]>, waiting: Record<string, number[]> = {}, domainTopN = 20): Rollup {
  const w = new FlowWindow(start);
  for (const [domain, delays] of Object.entries(delivered)) for (const total of delays) w.recordDelivered({ total }, [domain]);
  const tally = new QueueTally();
  for (const [domain, ages] of Object.entries(waiting)) {
    for (const age of ages) {
      tally.message('inbound', age * 1000);
      tally.recipient('inbound', domain, age * 1000, null);
    }
  }
  return rollupSchema.parse(w.finish({ source, flow: 'inbound', queue: tally.finish(() => []).inbound, scanPolicy: 'enabled', scanBypassing: false, domainTopN }));
}

describe('per-domain series', () => {
  it('adds up two sources, keeps the newest window as what waits now, and keeps no "other"', async () => {
    const now = Date.now();
    const w1 = Math.floor((now - 40_000) / 10_000) * 10_000;
    const w2 = w1 + 10_000;
    // mx1 and mx2 both deliver to and hold mail for a.example; b.example only ever falls in "other".
    // Each MTA pushes on its own: the second one's window is added to the first one's.
    await ingest.storeRollups([rollup('mx1', w1, { 'a.example': [1, 2], 'b.example': [1] }, { 'a.example': [30, 30, 30] }, 1)]);
    await ingest.storeRollups([rollup('mx2', w1, { 'a.example': [400] }, { 'a.example': [700] }, 1)]);
    // The next window, pushed separately: mx1 alone still has two waiting, mx2 has none left.
    await ingest.storeRollups([rollup('mx1', w2, { 'a.example': [3] }, { 'a.example': [40, 40] }, 1)]);

    const rows = await db.mailDomainBucket.findMany({ where: { resolution: '1m' } });
    expect(new Set(rows.map((r) => r.domain))).toEqual(new Set(['a.example']));
    expect(rows.reduce((n, r) => n + r.delivered, 0)).toBe(4);
    expect(Math.max(...rows.map((r) => r.waitingMax))).toBe(4); // 3 + 1 at the first window

    const recent = await queries.domainRecentMail('a.example', new Date(now));
    expect(recent).toMatchObject({ deliveredCount: 4, waiting: 2 });
    expect(recent!.window.deliveredMax).toBe(400);
    expect(await queries.domainRecentMail('b.example', new Date(now))).toBeNull();
    expect(await queries.domainRecentMail('nobody.example', new Date(now))).toBeNull();
  });

  it('a domain with nothing left waiting after a newer window reports nothing waiting', async () => {
    const now = Date.now();
    const w = Math.floor((now + 20_000) / 10_000) * 10_000;
    // A newer window from any source in which c.example is not listed at all.
    await ingest.storeRollups([rollup('mx1', w - 10_000, {}, { 'c.example': [100] }), rollup('mx1', w, { 'd.example': [1] })]);
    const recent = await queries.domainRecentMail('c.example', new Date(now + 30_000));
    expect(recent).toMatchObject({ waiting: 0, oldestWaitingS: 0 });
  });
});
