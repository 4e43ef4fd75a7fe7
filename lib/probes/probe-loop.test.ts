// The worker's probe loop (worker/probe-loop.ts) on a real SQLite database with the real
// migrations, against real TCP listeners: it runs the probes of its location at their interval,
// stores one result per slot even with two workers at one location, skips other locations' and
// disabled probes, and prunes results older than 31 days.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let db: typeof import('../db').db;
let loop: typeof import('../../worker/probe-loop');
let server: net.Server;
let openPort: number;
let componentId: string;

beforeAll(async () => {
  database = migratedSqlite('probe-loop');
  process.env.DATABASE_URL = database.url;
  db = (await import('../db')).db;
  loop = await import('../../worker/probe-loop');
  server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  openPort = (server.address() as net.AddressInfo).port;
  const component = await db.component.create({ data: { slug: 'web', nameJa: 'ウェブ', nameEn: 'Web', position: 0 } });
  componentId = component.id;
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
  await database?.drop();
});

async function runFor(ms: number, locations: string[]) {
  const stops = locations.map(() => new AbortController());
  const runs = locations.map((location, i) => loop.runProbeLoop({ signal: stops[i].signal, location, log: () => {} }));
  await new Promise((r) => setTimeout(r, ms));
  stops.forEach((s) => s.abort());
  await Promise.all(runs);
}

describe('probe loop', () => {
  it('runs its location’s enabled probes once per interval slot, one result per slot for two workers at one location', async () => {
    const everywhere = await db.probe.create({ data: { componentId, kind: 'tcp', target: `127.0.0.1:${openPort}`, intervalS: 3600, timeoutS: 2 } });
    const tokyo = await db.probe.create({ data: { componentId, kind: 'tcp', target: `127.0.0.1:${openPort}`, intervalS: 3600, timeoutS: 2, locations: 'tokyo,osaka' } });
    const elsewhere = await db.probe.create({ data: { componentId, kind: 'tcp', target: `127.0.0.1:${openPort}`, intervalS: 3600, timeoutS: 2, locations: 'sapporo' } });
    const disabled = await db.probe.create({ data: { componentId, kind: 'tcp', target: `127.0.0.1:${openPort}`, intervalS: 3600, timeoutS: 2, enabled: false } });

    await runFor(2500, ['tokyo', 'tokyo', 'osaka']);

    const results = await db.probeResult.findMany({ orderBy: [{ probeId: 'asc' }, { location: 'asc' }] });
    const of = (id: string) => results.filter((r) => r.probeId === id).map((r) => `${r.location}:${r.ok}`).sort();
    expect(of(everywhere.id)).toEqual(['osaka:true', 'tokyo:true']);
    expect(of(tokyo.id)).toEqual(['osaka:true', 'tokyo:true']);
    expect(of(elsewhere.id)).toEqual([]);
    expect(of(disabled.id)).toEqual([]);
    expect(results.every((r) => r.latencyMs !== null && r.latencyMs >= 0)).toBe(true);
    await db.probe.deleteMany({});
  });

  it('stores a failure with its reason, and runs again in the next slot', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const probe = await db.probe.create({ data: { componentId, kind: 'tcp', target: `127.0.0.1:${closed}`, intervalS: 2, timeoutS: 1 } });
    await runFor(4500, ['default']);
    const results = await db.probeResult.findMany({ where: { probeId: probe.id }, orderBy: { at: 'asc' } });
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.length).toBeLessThanOrEqual(3);
    expect(results[0]).toMatchObject({ ok: false, error: `cannot connect to 127.0.0.1:${closed}: ECONNREFUSED` });
    await db.probe.deleteMany({});
  });

  it('prunes results older than 31 days', async () => {
    const probe = await db.probe.create({ data: { componentId, kind: 'tcp', target: `127.0.0.1:${openPort}`, intervalS: 3600, timeoutS: 2, enabled: false } });
    const day = 86_400_000;
    await db.probeResult.createMany({
      data: [
        { probeId: probe.id, location: 'default', at: new Date(Date.now() - 32 * day), ok: true, latencyMs: 1 },
        { probeId: probe.id, location: 'default', at: new Date(Date.now() - 30 * day), ok: true, latencyMs: 1 },
      ],
    });
    await runFor(300, ['default']);
    const left = await db.probeResult.findMany({ where: { probeId: probe.id } });
    expect(left.map((r) => Math.round((Date.now() - r.at.getTime()) / day))).toEqual([30]);
  });
});
