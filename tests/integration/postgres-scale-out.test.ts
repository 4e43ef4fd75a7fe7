// Several instances on one PostgreSQL database: two site processes take the MTAs' rollups, two
// workers evaluate the rules at the same time and share the outbox. Every subscriber gets the
// notice exactly once, and the rules open exactly one incident.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';
import { makeRollup, rollupRows } from '../support/rollups';
import { copyDatabase, freePort, isolatedBuild, isolatedSite, onPostgres, ROOT, siteEnv, startSite, type RunningSite } from '../support/site';

const token = inject('ingestToken');
const WINDOW = 10_000;
const minutes = (m: number) => m * 60;
const SUBSCRIBERS = 10_000;

// SQLite is one file with one writer at a time, for one site on one host; several instances are
// what PostgreSQL is for, so these tests need it (TAYORI_TEST_POSTGRES_URL, see tests/global-setup.ts).
const needsPostgres = 'needs PostgreSQL (TAYORI_TEST_POSTGRES_URL): several instances share a PostgreSQL database, not a SQLite file';

/** Rollups of one source for consecutive windows from `start`, each with `messages` delayed by `delayS`. */
function rollups(source: string, start: number, delays: number[], messages = 20) {
  return delays.map((d, i) => makeRollup(source, new Date(start + i * WINDOW), Array(messages).fill(d)));
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!onPostgres())(`two processes evaluating the same windows at once (${onPostgres() ? 'PostgreSQL' : needsPostgres})`, () => {
  let db: TestDatabase;
  const evaluators: { child: ChildProcess; lines: AsyncIterator<string>; output: string[] }[] = [];
  const base = Math.floor((Date.now() - 9 * 60_000) / WINDOW) * WINDOW;
  let next = 0;

  beforeAll(async () => {
    const databaseUrl = copyDatabase('scale-out-rules');
    db = openDatabase(databaseUrl);
    await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'tests/support/rule-evaluator.ts')], {
        cwd: ROOT,
        env: siteEnv({ DATABASE_URL: databaseUrl, AUTO_RESOLVE_MINUTES: '0' }),
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const output: string[] = [];
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      evaluators.push({ child, lines, output });
    }
    for (const e of evaluators) expect((await e.lines.next()).value).toBe('ready');
  });
  afterAll(async () => {
    for (const e of evaluators) e.child.kill('SIGKILL');
    await db?.$disconnect();
  });

  /** Stores windows as the ingest API does, then lets both processes evaluate at the same moment. */
  async function evaluateTogether(delays: number[]) {
    await db.mailMetricRollup.createMany({ data: rollupRows(rollups('mx-race', base + next * WINDOW, delays)) });
    next += delays.length;
    for (const e of evaluators) e.child.stdin!.write('go\n');
    const results = await Promise.all(evaluators.map(async (e) => (await e.lines.next()).value as string));
    for (const r of results) expect(r).toMatch(/^done /);
    return results.map((r) => JSON.parse(r.slice(5)) as { changed: boolean });
  }

  const autoIncidents = () => db.incident.findMany({ where: { source: 'auto' }, orderBy: { startedAt: 'asc' }, include: { updates: { orderBy: [{ displayAt: 'asc' }, { createdAt: 'asc' }] } } });
  const ruleChanges = () => db.componentStatusChange.findMany({ where: { cause: 'rule' }, orderBy: { changedAt: 'asc' }, select: { oldStatus: true, newStatus: true } });

  it('opens one incident, and posts each change once, when the delay rises', async () => {
    const results = await evaluateTogether([2, 2, minutes(12), minutes(12), minutes(45), minutes(45)]);
    // One of them applied the windows; the other found them applied.
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const [incident, ...more] = await autoIncidents();
    expect(more).toHaveLength(0);
    expect(incident!.status).toBe('investigating');
    expect(incident!.updates.map((u) => u.bodyEn)).toEqual([expect.stringContaining('about 12 minutes'), expect.stringContaining('about 45 minutes')]);
    expect(await ruleChanges()).toEqual([
      { oldStatus: 'operational', newStatus: 'degraded_performance' },
      { oldStatus: 'degraded_performance', newStatus: 'partial_outage' },
    ]);
    expect(await db.notice.count({ where: { incidentId: incident!.id } })).toBe(2);
  });

  it('resolves it once when the delay is gone', async () => {
    // Five healthy minutes: monitoring, then resolved at once (AUTO_RESOLVE_MINUTES=0).
    await evaluateTogether(Array(31).fill(2));
    const [incident, ...more] = await autoIncidents();
    expect(more).toHaveLength(0);
    expect(incident!.status).toBe('resolved');
    expect(incident!.autoOpenFor).toBeNull();
    expect(incident!.updates.map((u) => u.status)).toEqual(['investigating', 'investigating', 'monitoring', 'resolved']);
    expect(await db.notice.count({ where: { incidentId: incident!.id } })).toBe(4);
  });

  it('opens exactly one new incident when the delay comes back', async () => {
    await evaluateTogether([minutes(20), minutes(20)]);
    const incidents = await autoIncidents();
    expect(incidents.map((i) => i.status)).toEqual(['resolved', 'investigating']);
    expect(incidents[1]!.updates).toHaveLength(1);
  });
});

describe.skipIf(!onPostgres())(`two sites and two workers on one database (${onPostgres() ? 'PostgreSQL' : needsPostgres})`, () => {
  let db: TestDatabase;
  const sites: RunningSite[] = [];
  const workers: RunningWorker[] = [];
  let smtp: SMTPServer;
  let smtpUrl = '';
  // Per address: RCPT commands, and copies whose DATA the server accepted; per sender: copies.
  const rcpts = new Map<string, number>();
  const received = new Map<string, number>();
  const bySender = new Map<string, number>();
  const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `user${i}@scale.test`);
  const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        bump(rcpts, address.address.toLowerCase());
        callback();
      },
      onData(stream, session, callback) {
        stream.on('data', () => {});
        stream.on('end', () => {
          for (const r of session.envelope.rcptTo) bump(received, r.address.toLowerCase());
          // The sending worker's domain: the envelope sender is each copy's own return path (VERP).
          if (session.envelope.mailFrom) bump(bySender, session.envelope.mailFrom.address.split('@')[1]!);
          callback();
        });
      },
    });
    smtp.on('error', () => {});
    const port = await freePort();
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${port}`;

    const isolated = isolatedSite('scale-out-a');
    db = openDatabase(isolated.DATABASE_URL);
    await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
    // In statements of 2,000 rows: Prisma splits a larger batch into statements it sends at once
    // on one connection, which the pg driver warns about.
    const rows = emails.map((email, i) => ({ email, lang: i % 2 ? 'en' : 'ja', status: 'active', allComponents: true }));
    for (let i = 0; i < rows.length; i += 2000) await db.subscriber.createMany({ data: rows.slice(i, i + 2000) });

    const common = { DATABASE_URL: isolated.DATABASE_URL, SMTP_URL: smtpUrl, NOTICE_TOKEN_SECRET: 'scale-out-secret-0123456789abcdef0123', AUTO_RESOLVE_MINUTES: '600', RULE_TICK_SECONDS: '1' };
    // The two workers below evaluate the rules and send the notices; the sites only take the rollups.
    sites.push(await startSite({ ...common, NEXT_DIST_DIR: isolated.NEXT_DIST_DIR }, { worker: false }));
    sites.push(await startSite({ ...common, NEXT_DIST_DIR: isolatedBuild('scale-out-b') }, { worker: false }));
    // Each worker sends from its own domain (its return paths are on it), so the sink can tell who sent what.
    for (const n of [1, 2]) {
      workers.push(startNoticeWorker({ ...common, SITE_URL: sites[0]!.url, NOTICE_FROM_ADDRESS: `status@worker-${n}.tayori.test`, NOTICE_WORKER_CONCURRENCY: '10', NOTICE_BATCH_SIZE: '200' }));
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.kill();
    for (const s of sites) await s.stop();
    await db?.$disconnect();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('opens one incident from rollups pushed to both sites at once, and folds both sources into the series', async () => {
    const base = Math.floor((Date.now() - 5 * 60_000) / WINDOW) * WINDOW;
    const delays = [2, 2, minutes(12), minutes(12), minutes(12), minutes(12)];
    // Two MTAs, each pushing to its own site, window by window, at the same moments.
    for (let i = 0; i < delays.length; i++) {
      const answers = await Promise.all(
        (['mx-a', 'mx-b'] as const).map((source, s) =>
          fetch(`${sites[s]!.url}/api/ingest/mail-metrics`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ rollups: rollups(source, base + i * WINDOW, [delays[i]!]) }),
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
    }
    await until(() => db.incident.count({ where: { source: 'auto' } }), (n) => n > 0, 'the automatic incident');
    // Let both workers' ticks run over the same windows a few more times.
    await new Promise((r) => setTimeout(r, 3000));
    const incidents = await db.incident.findMany({ where: { source: 'auto' }, include: { updates: true } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.updates).toHaveLength(1);
    expect(await db.notice.count({ where: { incidentId: incidents[0]!.id } })).toBe(1);

    // Every message of both sources is in the 1-minute series once: no sum was lost between the sites.
    const buckets = await db.mailMetricBucket.findMany({ where: { resolution: '1m', bucketStart: { gte: new Date(Math.floor(base / 60_000) * 60_000) } } });
    expect(buckets.reduce((sum, b) => sum + b.delivered, 0)).toBe(2 * delays.length * 20);
    expect(buckets.reduce((sum, b) => sum + b.windows, 0)).toBe(2 * delays.length);
  });

  it(`sends its notice to ${SUBSCRIBERS.toLocaleString('en')} subscribers through two workers: every address exactly once, none missing`, async () => {
    const notice = await db.notice.findFirstOrThrow({ where: { kind: 'incident_opened' } });
    expect(await db.noticeDelivery.count({ where: { noticeId: notice.id } })).toBe(SUBSCRIBERS);
    const started = Date.now();
    await until(async () => received.size, (n) => n >= SUBSCRIBERS, `${SUBSCRIBERS} addresses in the sink (${workers.map((w) => w.output()).join('\n')})`);
    await until(() => db.noticeDelivery.count({ where: { noticeId: notice.id, status: 'sent' } }), (n) => n === SUBSCRIBERS, 'every copy recorded as sent');
    const seconds = (Date.now() - started) / 1000;

    const twice = [...received].filter(([, n]) => n !== 1).map(([a]) => a);
    const missing = emails.filter((e) => !received.has(e));
    expect(twice).toEqual([]);
    expect(missing).toEqual([]);
    expect(received.size).toBe(SUBSCRIBERS);
    expect([...rcpts.values()].every((n) => n === 1)).toBe(true);
    // Both workers took part: their claims never overlapped, yet each got its share.
    const shares = ['worker-1.tayori.test', 'worker-2.tayori.test'].map((s) => bySender.get(s) ?? 0);
    expect(shares[0]! + shares[1]!).toBe(SUBSCRIBERS);
    expect(Math.min(...shares)).toBeGreaterThan(0);
    console.info(`scale-out: ${SUBSCRIBERS} subscribers, worker 1 sent ${shares[0]}, worker 2 sent ${shares[1]}, ${Math.round(SUBSCRIBERS / seconds)} copies/s`);
  });
});
