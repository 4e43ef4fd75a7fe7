// `npm start`: migrates and seeds the database, builds the site when its sources changed, then
// runs the site, the bundled MTA and the worker together and keeps them running
// (scripts/lib/supervisor.mjs: a process that crashes is started again, the others stay up).
// Ctrl-C or SIGTERM stops them all.
//
//   node scripts/start.mjs                 prepare, then run and supervise the three processes
//   node scripts/start.mjs --prepare-only  prepare and exit (ExecStartPre of deploy/systemd/tayori-site.service)
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildIsCurrent, recordBuild } from './lib/build-stamp.mjs';
import { ensureIngestToken } from './lib/ingest-token.mjs';
import { supervise } from './lib/supervisor.mjs';
import { prepareDatabase } from './prepare-db.mjs';

function step(message) {
  console.log(`tayori: ${message}`);
}

/** Migrations, content, the ingest token, and a build when the sources changed. Throws on failure. */
export function prepare(env) {
  step('applying migrations and importing content');
  const imported = prepareDatabase(env);
  const { created, file } = ensureIngestToken(env.DATA_DIR);
  if (created) step(`generated the ingest token in ${file}`);

  // Pages are prerendered from the database, so newly imported reports also need a build.
  const reason = !buildIsCurrent() ? 'first start or sources changed' : imported.reportsImported.length ? 'reports changed' : null;
  if (reason) {
    step(`building the site (${reason})`);
    const build = spawnSync('npx', ['next', 'build'], { env, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('next build failed');
    recordBuild();
  }
  clearDataCache(env);
}

/** The data cache holds query results; the database may have changed while the site was down. */
function clearDataCache(env) {
  rmSync(path.join(env.NEXT_DIST_DIR || '.next', 'cache', 'fetch-cache'), { recursive: true, force: true });
}

/** The three processes of one host, as `npm start` runs them. */
export function tayoriProcesses(env) {
  const processes = [
    // node directly, not through npx: a stop signal must reach the server, not a wrapper.
    { name: 'site', command: process.execPath, args: ['scripts/site-server.mjs'], env, beforeStart: () => clearDataCache(env) },
  ];
  if (existsSync('mta/main.ts') && env.MTA_DISABLED !== 'true') {
    processes.push({ name: 'mta', command: process.execPath, args: ['--import', 'tsx', 'mta/main.ts'], env });
  }
  // The worker: rules, automatic incidents, maintenance, notices and webhooks; 'react-server'
  // because lib/ modules import 'server-only'.
  processes.push({ name: 'worker', command: process.execPath, args: ['--conditions=react-server', '--import', 'tsx', 'worker/main.ts'], env });
  return processes;
}

/** Runs and supervises the processes until SIGINT or SIGTERM; exits with the supervisor's code. */
export async function run(env) {
  const port = env.PORT || '3000';
  const host = env.HOST || '127.0.0.1';
  const supervisor = supervise(tayoriProcesses({ ...env, PORT: port, HOST: host }));
  // Ctrl-C in a terminal reaches every process of the group at once; the processes shut down
  // gracefully on SIGINT or SIGTERM, whichever comes first.
  process.on('SIGINT', () => supervisor.stop('SIGINT'));
  process.on('SIGTERM', () => supervisor.stop('SIGTERM'));
  step(`site on http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`);
  process.exit(await supervisor.done);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  try {
    prepare(env);
  } catch (error) {
    console.error(`tayori: ${error.message}`);
    process.exit(1);
  }
  if (!process.argv.includes('--prepare-only')) await run(env);
}
