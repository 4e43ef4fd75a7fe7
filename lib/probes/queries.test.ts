// A component's probe latency for its public page, on a real SQLite database: per 10-minute step the
// mean and largest latency of passed runs and the failures; drawn by LatencyChart in both
// languages with the numbers as a table.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedDatabase } from '../../tests/support/migrated-database';

let database: MigratedDatabase;
let db: typeof import('../db').db;
let queries: typeof import('./queries');
let chart: typeof import('../../components/charts/latency-chart');

beforeAll(async () => {
  database = migratedSqlite('probe-queries');
  process.env.DATABASE_URL = database.url;
  db = (await import('../db')).db;
  queries = await import('./queries');
  chart = await import('../../components/charts/latency-chart');
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe('probe latency series', () => {
  it('is null for a component without probes, and aggregates passed and failed runs per step', async () => {
    const component = await db.component.create({ data: { slug: 'panel', nameJa: 'コントロールパネル', nameEn: 'Control panel', position: 0 } });
    const now = new Date('2026-12-06T12:05:00Z');
    expect(await queries.probeLatencySeries(component.id, '24h', now)).toBeNull();
    const probe = await db.probe.create({ data: { componentId: component.id, kind: 'http', target: 'https://panel.example.jp/' } });
    const at = (iso: string) => new Date(iso);
    await db.probeResult.createMany({
      data: [
        { probeId: probe.id, location: 'tokyo', at: at('2026-12-06T12:01:00Z'), ok: true, latencyMs: 100 },
        { probeId: probe.id, location: 'osaka', at: at('2026-12-06T12:02:00Z'), ok: true, latencyMs: 300 },
        { probeId: probe.id, location: 'tokyo', at: at('2026-12-06T12:03:00Z'), ok: false, latencyMs: 10_000, error: 'no answer within 10 s' },
        { probeId: probe.id, location: 'tokyo', at: at('2026-12-06T11:51:00Z'), ok: false, latencyMs: 2, error: 'refused' },
        // Older than the range: not in it.
        { probeId: probe.id, location: 'tokyo', at: at('2026-12-05T11:00:00Z'), ok: true, latencyMs: 5 },
      ],
    });
    const series = (await queries.probeLatencySeries(component.id, '24h', now))!;
    expect(series.points).toHaveLength(144);
    expect(series.to).toBe('2026-12-06T12:10:00.000Z');
    expect(series.points.at(-1)).toEqual({ t: '2026-12-06T12:00:00.000Z', mean: 200, max: 300, runs: 3, failed: 1 });
    expect(series.points.at(-2)).toEqual({ t: '2026-12-06T11:50:00.000Z', mean: null, max: null, runs: 1, failed: 1 });
    expect(series.points.slice(0, -2).every((p) => p.runs === 0)).toBe(true);

    const ja = renderToStaticMarkup(createElement(chart.LatencyChart, { series, lang: 'ja', title: '応答時間（24時間）', id: 'latency-24h' }));
    expect(ja).toContain('最大300ミリ秒、確認4回のうち失敗2回');
    expect(ja).toContain('<td>200ミリ秒</td><td>300ミリ秒</td><td>3</td><td>1</td>');
    const en = renderToStaticMarkup(createElement(chart.LatencyChart, { series, lang: 'en', title: 'Response time (24 hours)', id: 'latency-24h' }));
    expect(en).toContain('Largest: 300 ms; 2 of 4 checks failed.');
    expect(en).toContain('<td>200 ms</td><td>300 ms</td><td>3</td><td>1</td>');
  });
});
