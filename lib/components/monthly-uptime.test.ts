// The monthly uptime report on a real SQLite database: the same figure as the bars' own query for
// the same stretch, an outage across midnight at the month's end split between the two months in
// the site's zone, the status a month began in taken from before it, and no figures before records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let report: typeof import('./monthly-uptime');
let metrics: typeof import('../metrics/queries');
let db: typeof import('../db').db;

const ZONE = 'Asia/Tokyo';
// 2026-12-01 00:00 in Tokyo is 2026-11-30 15:00 UTC.
const DEC_START = new Date('2026-11-30T15:00:00Z');
const NOW = new Date('2026-12-06T03:00:00Z');
const minutes = (m: number) => m * 60_000;

beforeAll(async () => {
  database = migratedSqlite('monthly-uptime');
  process.env.DATABASE_URL = database.url;
  process.env.SITE_TIME_ZONE = ZONE;
  report = await import('./monthly-uptime');
  metrics = await import('../metrics/queries');
  db = (await import('../db')).db;
  const group = await db.componentGroup.create({ data: { slug: 'g', nameJa: 'グループ', nameEn: 'Group' } });
  // Created 20 November; a major outage from 23:00 on 30 November to 01:00 on 1 December (Tokyo).
  const edge = await db.component.create({ data: { slug: 'edge', nameJa: '境界', nameEn: 'Edge', groupId: group.id, createdAt: new Date('2026-11-20T00:00:00Z') } });
  await db.componentStatusChange.createMany({
    data: [
      { componentId: edge.id, newStatus: 'operational', cause: 'seed', changedAt: new Date('2026-11-20T00:00:00Z') },
      { componentId: edge.id, newStatus: 'major_outage', cause: 'staff', changedAt: new Date(DEC_START.getTime() - minutes(60)) },
      { componentId: edge.id, newStatus: 'operational', cause: 'staff', changedAt: new Date(DEC_START.getTime() + minutes(60)) },
    ],
  });
  const incident = await db.incident.create({
    data: { slug: 'edge-outage', titleJa: '境界の障害', titleEn: 'Edge outage', impact: 'major', status: 'resolved', startedAt: new Date(DEC_START.getTime() - minutes(60)), resolvedAt: new Date(DEC_START.getTime() + minutes(60)) },
  });
  await db.incidentComponent.create({ data: { incidentId: incident.id, componentId: edge.id, status: 'major_outage' } });
  // Added on 3 December, a partial outage of two hours on 4 December.
  const fresh = await db.component.create({ data: { slug: 'fresh', nameJa: '新規', nameEn: 'Fresh', groupId: group.id, createdAt: new Date('2026-12-03T00:00:00Z') } });
  await db.componentStatusChange.createMany({
    data: [
      { componentId: fresh.id, newStatus: 'operational', cause: 'staff', changedAt: new Date('2026-12-03T00:00:00Z') },
      { componentId: fresh.id, newStatus: 'partial_outage', cause: 'staff', changedAt: new Date('2026-12-04T00:00:00Z') },
      { componentId: fresh.id, newStatus: 'operational', cause: 'staff', changedAt: new Date('2026-12-04T02:00:00Z') },
    ],
  });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('monthly uptime', () => {
  it('equals the uptime bars’ figure for a component whose whole history is in the month', async () => {
    const december = (await report.monthlyUptime('2026-12', NOW, ZONE))!;
    const bars = (await metrics.uptime(90, NOW)).find((u) => u.slug === 'fresh')!;
    const fresh = december.components.find((c) => c.slug === 'fresh')!;
    expect(fresh.uptimePercent).toBe(bars.uptimePercent);
    expect(fresh.coveredMinutes).toBe(bars.coveredMinutes);
    // 2 h at 30 % of 75 h known.
    expect(fresh.uptimePercent).toBe(Math.floor((1 - 36 / (75 * 60)) * 10_000) / 100);
    expect(fresh.minutesAffected).toBe(120);
    expect(december.partial).toBe(true);
    expect(december.next).toBeNull();
  });

  it('splits an outage across the month boundary in the site’s zone and lists its incident in both months', async () => {
    const november = (await report.monthlyUptime('2026-11', NOW, ZONE))!;
    const december = (await report.monthlyUptime('2026-12', NOW, ZONE))!;
    const inNov = november.components.find((c) => c.slug === 'edge')!;
    const inDec = december.components.find((c) => c.slug === 'edge')!;
    expect(inNov.minutesAffected).toBe(60);
    expect(inDec.minutesAffected).toBe(60);
    expect(inNov.incidents.map((i) => i.slug)).toEqual(['edge-outage']);
    expect(inDec.incidents.map((i) => i.slug)).toEqual(['edge-outage']);
    // December began in the outage that started in November: its first hour counts as down.
    const decKnown = (NOW.getTime() - DEC_START.getTime()) / 60_000;
    expect(inDec.uptimePercent).toBe(Math.floor((1 - 60 / decKnown) * 10_000) / 100);
    // "fresh" did not exist in November.
    expect(november.components.map((c) => c.slug)).toEqual(['edge']);
    expect(november.partial).toBe(false);
    expect(november.next).toBe('2026-12');
  });

  it('has no data before the first record, and nothing for a month to come or a malformed one', async () => {
    const october = (await report.monthlyUptime('2026-10', NOW, ZONE))!;
    expect(october.hasData).toBe(false);
    expect(october.components).toEqual([]);
    expect(await report.monthlyUptime('2027-01', NOW, ZONE)).toBeNull();
    expect(await report.monthlyUptime('2026-13', NOW, ZONE)).toBeNull();
  });

  it('writes RFC 4180 records', () => {
    expect(report.csvRecord(['a "b", c', 1.5, null])).toBe('"a ""b"", c","1.5",""\r\n');
  });
});
