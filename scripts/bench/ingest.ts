// npm run bench:ingest — (1) 50,000 rollups from 20 sources pushed through the real ingest API of
// the production server (rollups/s; the site validates and stores them, as in production);
// (2) the time to compute 90-day uptime plus 30-day chart data for all components over a database
// holding 90 days of status history and 30 days of hourly series (target: under 50 ms);
// (3) the push that opens an incident, with 10,000 subscribers waiting for its notice, against an
// ordinary push (its own site and database): the site only stores rollups, so the two should take
// the same time however many subscribers there are (the worker judges them and fans out).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { buildIsCurrent, recordBuild } from '../lib/build-stamp.mjs';
import { freePort } from '../lib/wait.mjs';
import { prepareDatabase } from '../prepare-db.mjs';
import { makeRollup } from '../../tests/support/rollups';

const SOURCES = 20;
const TOTAL = Number(process.env.BENCH_ROLLUPS ?? 50_000);
const BATCH = 100;
const dir = mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-ingest-'));
const token = 'bench-ingest-token-0123456789abcdef';
const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, INGEST_TOKEN: token, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
Object.assign(process.env, env);

prepareDatabase(env);
if (!buildIsCurrent()) {
  if (spawnSync('npx', ['next', 'build'], { env, stdio: 'inherit' }).status !== 0) process.exit(1);
  recordBuild();
}
const FANOUT_SUBSCRIBERS = 10_000;
const fanoutEnv: NodeJS.ProcessEnv = { ...env, DATABASE_URL: `file:${path.join(dir, 'fanout.db')}`, DATA_DIR: path.join(dir, 'fanout-data') };
prepareDatabase(fanoutEnv);
const sites: ReturnType<typeof spawn>[] = [];

async function startSite(siteEnv: NodeJS.ProcessEnv): Promise<string> {
  const port = await freePort();
  sites.push(spawn(process.execPath, ['scripts/site-server.mjs'], { env: { ...siteEnv, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore', detached: true }));
  const siteUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${siteUrl}/favicon.svg`)).ok) return siteUrl;
    } catch {}
    if (i > 300) throw new Error('site did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function push(siteUrl: string, rollups: unknown[]): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${siteUrl}/api/ingest/mail-metrics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rollups }),
  });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return performance.now() - t;
}

try {
  const url = await startSite(env);

  // (1) ingest: each source sends its backlog in batches, all sources at once.
  const perSource = TOTAL / SOURCES;
  const end = Math.floor(Date.now() / 10_000) * 10_000 - 60_000;
  const start = end - perSource * 10_000;
  let seed = 1;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SOURCES }, async (_, s) => {
      for (let w = 0; w < perSource; w += BATCH) {
        const rollups = [];
        for (let k = w; k < Math.min(perSource, w + BATCH); k++) {
          const delays = Array.from({ length: 5 }, () => rand() ** 4 * 120);
          rollups.push(makeRollup(`mx-${String(s).padStart(2, '0')}`, new Date(start + k * 10_000), delays));
        }
        const res = await fetch(`${url}/api/ingest/mail-metrics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ rollups }),
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const ingestS = (performance.now() - t0) / 1000;
  const rollupsPerS = TOTAL / ingestS;

  // (2) history: 90 days of status changes and 30 days of hourly series, then time the queries.
  const { db } = await import('../../lib/db');
  const components = await db.component.findMany({ select: { id: true } });
  const now = Date.now();
  const changes = [];
  for (const c of components) {
    for (let day = 90; day > 0; day -= 3) {
      const at = now - day * 86_400_000;
      changes.push({ componentId: c.id, oldStatus: 'operational', newStatus: 'degraded_performance', cause: 'rule', changedAt: new Date(at) });
      changes.push({ componentId: c.id, oldStatus: 'degraded_performance', newStatus: 'operational', cause: 'rule', changedAt: new Date(at + 45 * 60_000) });
    }
  }
  await db.componentStatusChange.createMany({ data: changes });
  const hours = [];
  const firstHour = Math.floor((now - 30 * 86_400_000) / 3_600_000) * 3_600_000;
  for (let h = firstHour; h < start - 3_600_000; h += 3_600_000) {
    hours.push({ resolution: '1h', bucketStart: new Date(h), delivered: 1800, histogram: JSON.stringify([900, 500, 200, 100, 50, 30, 15, 5, 0, 0, 0, 0, 0, 0, 0]), delayMax: 280, queueDepthMax: 12, oldestAgeMax: 40, windows: 360 });
  }
  await db.mailMetricBucket.createMany({ data: hours });

  const { uptime, delaySeries } = await import('../../lib/metrics/queries');
  const runs: number[] = [];
  for (let i = 0; i < 25; i++) {
    const s = performance.now();
    await Promise.all([uptime(), delaySeries('30d'), delaySeries('7d'), delaySeries('24h')]);
    runs.push(performance.now() - s);
  }
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  const p95 = runs[Math.floor(runs.length * 0.95)];

  console.log(`\ningest: ${TOTAL} rollups from ${SOURCES} sources in ${ingestS.toFixed(1)} s through POST /api/ingest/mail-metrics (batches of ${BATCH})`);
  console.log(`        ${Math.round(rollupsPerS)} rollups/s`);
  console.log(`status data: 90-day uptime for ${components.length} components + 24 h / 7 d / 30 d charts: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target 50 ms)`);
  console.log(
    `RESULT bench:ingest rollups=${TOTAL} sources=${SOURCES} rollups_per_s=${Math.round(rollupsPerS)} status_data_ms=${median.toFixed(1)} status_data_p95_ms=${p95.toFixed(1)} target_ms=50 ratio=${(50 / median).toFixed(2)}`,
  );
  await db.$disconnect();

  // (3) 10,000 active subscribers, then one window a push: 12 healthy ones, then 12 in which most
  // mail took 20 minutes (over the seeded rule's 300 s), the kind that opens an incident.
  const sqlite = new Database(path.join(dir, 'fanout.db'));
  // As the driver adapter writes DateTime columns (lib/db-dialect.ts, sqliteDateTime).
  const stamp = new Date().toISOString().replace('Z', '+00:00');
  const insert = sqlite.prepare("INSERT INTO Subscriber (id, email, lang, status, allComponents, tokenVersion, hardBounces, createdAt, updatedAt) VALUES (?, ?, 'ja', 'active', 1, 1, 0, ?, ?)");
  sqlite.transaction(() => {
    for (let i = 0; i < FANOUT_SUBSCRIBERS; i++) insert.run(randomUUID(), `user${i}@bench.test`, stamp, stamp);
  })();
  sqlite.close();
  const fanoutUrl = await startSite(fanoutEnv);
  const last = Math.floor(Date.now() / 10_000) * 10_000 - 10_000;
  const healthyMs: number[] = [];
  const lateMs: number[] = [];
  for (let k = 23; k >= 0; k--) {
    const late = k < 12;
    const delays = late ? Array.from({ length: 20 }, () => 1200) : Array.from({ length: 20 }, () => 0.5);
    const ms = await push(fanoutUrl, [makeRollup('mx-fanout', new Date(last - k * 10_000), delays)]);
    (late ? lateMs : healthyMs).push(ms);
    await new Promise((r) => setTimeout(r, 100));
  }
  healthyMs.sort((a, b) => a - b);
  const healthyMedian = healthyMs[Math.floor(healthyMs.length / 2)];
  const lateMax = Math.max(...lateMs);
  console.log(`incident push: ${FANOUT_SUBSCRIBERS} subscribers; ordinary push median ${healthyMedian.toFixed(1)} ms, slowest push of the late windows ${lateMax.toFixed(1)} ms`);
  console.log(
    `RESULT bench:ingest-fanout subscribers=${FANOUT_SUBSCRIBERS} push_ms=${healthyMedian.toFixed(1)} incident_push_max_ms=${lateMax.toFixed(1)} ratio=${(lateMax / healthyMedian).toFixed(2)}`,
  );
} finally {
  for (const site of sites) {
    try {
      process.kill(-site.pid!, 'SIGTERM');
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
}
