// A rule's status change is one transaction (rule state, component, status history, incident),
// and its notice is enqueued after the commit, or by the notice sweep when the process dies in
// between. The evaluating process is killed (SIGKILL) at each step; a new one takes over; every
// subscriber then has exactly one 【障害発生】, and the page exactly one incident and one change.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../support/database';
import { makeRollup, rollupRows } from '../support/rollups';
import { copyDatabase, ROOT, siteEnv } from '../support/site';

const WINDOW = 10_000;
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** The rule evaluator (tests/support/rule-evaluator.ts) on `databaseUrl`, dying at `crashAt` if given. */
async function evaluator(databaseUrl: string, crashAt?: string) {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'tests/support/rule-evaluator.ts')], {
    cwd: ROOT,
    env: siteEnv({ DATABASE_URL: databaseUrl, AUTO_RESOLVE_MINUTES: '600', ...(crashAt ? { TAYORI_CRASH_AT: crashAt } : {}) }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  started.push(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  expect((await lines.next()).value).toBe('ready');
  const run = async (command: 'go' | 'sweep') => {
    child.stdin!.write(`${command}\n`);
    const next = await Promise.race([lines.next().then((l) => l.value as string | undefined), exited.then(() => undefined)]);
    return next;
  };
  return { run, exited, stop: () => child.kill('SIGKILL') };
}

async function prepare(name: string): Promise<{ url: string; db: TestDatabase }> {
  const url = copyDatabase(`rule-crash-${name}`);
  const db = openDatabase(url);
  await db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } });
  await db.subscriber.create({ data: { email: `watcher-${name}@example.test`, status: 'active', lang: 'ja', confirmedAt: new Date() } });
  // Three windows of twenty messages twelve minutes late: メール受信 enters degraded_performance.
  const base = Math.floor((Date.now() - 5 * 60_000) / WINDOW) * WINDOW;
  const rollups = [0, 1, 2].map((i) => makeRollup('mx-crash', new Date(base + i * WINDOW), Array(20).fill(12 * 60)));
  await db.mailMetricRollup.createMany({ data: rollupRows(rollups) });
  return { url, db };
}

describe('a rule status change, killed at each step', () => {
  it.each(['rule-stored', 'rule-applied', 'rule-committed'])('killed at %s: shown once, one incident, one 【障害発生】 per subscriber', async (point) => {
    const { url, db } = await prepare(point);
    try {
      const doomed = await evaluator(url, point);
      expect(await doomed.run('go')).toBeUndefined();
      expect(await doomed.exited).toBe('SIGKILL');

      const next = await evaluator(url);
      expect(await next.run('go')).toMatch(/^done /);
      expect(await next.run('sweep')).toMatch(/^done /);
      next.stop();

      const inbound = await db.component.findUniqueOrThrow({ where: { slug: 'mail-inbound' } });
      expect(inbound.status).toBe('degraded_performance');
      expect(await db.componentStatusChange.findMany({ where: { componentId: inbound.id, cause: 'rule' }, select: { oldStatus: true, newStatus: true } })).toEqual([
        { oldStatus: 'operational', newStatus: 'degraded_performance' },
      ]);
      const incidents = await db.incident.findMany({ where: { source: 'auto' }, include: { updates: true } });
      expect(incidents).toHaveLength(1);
      expect(incidents[0]!.updates).toHaveLength(1);
      const notices = await db.notice.findMany({ where: { incidentId: incidents[0]!.id }, select: { kind: true, _count: { select: { deliveries: true } } } });
      expect(notices).toEqual([{ kind: 'incident_opened', _count: { deliveries: 1 } }]);
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});
