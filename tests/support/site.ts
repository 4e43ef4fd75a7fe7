// Starts the real Next.js production server (built by tests/global-setup.ts) on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { freePort } from '../../scripts/lib/wait.mjs';
import { copyName, databaseUrl } from './postgres-admin.mjs';

export { freePort };

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RunningSite {
  url: string;
  port: number;
  databaseUrl: string;
  output: () => string;
  /** What the site's worker printed (empty with `worker: false`). */
  workerOutput: () => string;
  stop: () => Promise<void>;
}

export function siteEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: inject('nextDistDir'),
    DATABASE_URL: inject('siteDatabaseUrl'),
    DATA_DIR: inject('siteDataDir'),
    INGEST_TOKEN: inject('ingestToken'),
    ...extra,
  };
}

/** Whether this run's database is PostgreSQL (TAYORI_TEST_POSTGRES_URL, see tests/global-setup.ts). */
export const onPostgres = () => inject('postgresServerUrl') !== '';

/**
 * A copy of the test database as the build left it: a file next to it on SQLite, a database
 * cloned from the prepared one's template on PostgreSQL.
 */
export function copyDatabase(name: string): string {
  const suffix = `${name}-${process.pid}`;
  if (onPostgres()) {
    const server = inject('postgresServerUrl');
    const template = inject('siteDatabaseTemplate');
    const copy = copyName(template.replace(/__template$/, ''), suffix);
    const result = spawnSync(process.execPath, [path.join(ROOT, 'tests/support/postgres-admin.mjs'), 'copy', server, template, copy], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`could not create the test database ${copy}: ${result.stderr}`);
    return databaseUrl(server, copy);
  }
  const source = inject('siteDatabaseTemplate');
  const database = path.join(path.dirname(source), `${suffix}.db`);
  copyFileSync(source, database);
  return `file:${database}`;
}

/**
 * A copy of the prepared test database and of the build (without its data cache), for a test
 * that changes data: pages regenerated from it must not leak into the other test files' server.
 */
export function isolatedSite(name: string): Record<string, string> {
  return { DATABASE_URL: copyDatabase(name), NEXT_DIST_DIR: isolatedBuild(name) };
}

/** A copy of the build without its data cache, for one more server (several on one database). */
export function isolatedBuild(name: string): string {
  const distDir = `${inject('nextDistDir')}-${name}-${process.pid}`;
  rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
  cpSync(path.join(ROOT, inject('nextDistDir')), path.join(ROOT, distDir), {
    recursive: true,
    filter: (src) => path.basename(src) !== 'cache',
  });
  return distDir;
}

/**
 * The site as `npm start` runs it: Next.js behind scripts/site-server.mjs, and its worker
 * (worker/main.ts: rules, maintenance, notices) on the same database, unless `worker: false`
 * (a test that runs a worker of its own, or wants the site alone). The worker never writes to
 * TAYORI_QUERY_LOG: that log counts what the site's visitors cost.
 */
export async function startSite(extraEnv: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<RunningSite> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The production server as `npm start` runs it: Next.js behind scripts/site-server.mjs.
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'scripts/site-server.mjs')], {
    cwd: ROOT,
    env: siteEnv({ SITE_URL: url, ...extraEnv, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the site server exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/favicon.svg`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the site server did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }

  let workerLog = '';
  let worker: ChildProcess | undefined;
  if (options.worker !== false) {
    const { TAYORI_QUERY_LOG: _, ...workerEnv } = siteEnv({ SITE_URL: url, ...extraEnv });
    worker = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'worker/main.ts')], { cwd: ROOT, env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    worker.stdout!.on('data', (d) => (workerLog += d));
    worker.stderr!.on('data', (d) => (workerLog += d));
  }
  const stopWorker = () =>
    new Promise<void>((resolve) => {
      if (!worker || worker.exitCode !== null || worker.signalCode !== null) return resolve();
      worker.once('exit', () => resolve());
      worker.kill('SIGTERM');
      setTimeout(() => worker!.kill('SIGKILL'), 5000).unref();
    });

  return {
    url,
    port,
    databaseUrl: extraEnv.DATABASE_URL ?? inject('siteDatabaseUrl'),
    output: () => log,
    workerOutput: () => workerLog,
    stop: () =>
      stopWorker().then(() => new Promise<void>((resolve) => {
        const cleanUp = () => {
          // An isolated build copy is removed with its server.
          if (extraEnv.NEXT_DIST_DIR && extraEnv.NEXT_DIST_DIR !== inject('nextDistDir')) {
            rmSync(path.join(ROOT, extraEnv.NEXT_DIST_DIR), { recursive: true, force: true });
          }
          resolve();
        };
        if (child.exitCode !== null) return cleanUp();
        child.once('exit', cleanUp);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      })),
  };
}
