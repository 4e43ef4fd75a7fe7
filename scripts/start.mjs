// `npm start`: migrates and seeds the database, builds the site when its sources changed, then
// runs the site, the bundled MTA and the notice worker together. Ctrl-C stops them all.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildIsCurrent, recordBuild } from './lib/build-stamp.mjs';
import { ensureIngestToken } from './lib/ingest-token.mjs';
import { prepareDatabase } from './prepare-db.mjs';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const port = env.PORT || '3000';
const host = env.HOST || '127.0.0.1';

function step(message) {
  console.log(`tayori: ${message}`);
}

try {
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
} catch (error) {
  console.error(`tayori: ${error.message}`);
  process.exit(1);
}

const children = [];
let stopping = false;

function launch(name, command, args) {
  const child = spawn(command, args, { env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`tayori: ${name} exited (${signal ?? code}); stopping`);
      stop(code || 1);
    } else if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
      process.exit(0);
    }
  });
  children.push(child);
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 10_000).unref();
  if (children.every((c) => c.exitCode !== null)) process.exit(code);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// The data cache holds query results; the database may have changed while the site was down.
rmSync(path.join(env.NEXT_DIST_DIR || '.next', 'cache', 'fetch-cache'), { recursive: true, force: true });
// Next.js itself, not through npx: a stop signal must reach the server, not a wrapper.
launch('site', process.execPath, [path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', port, '-H', host]);
if (existsSync('mta/main.ts') && env.MTA_DISABLED !== 'true') launch('mta', process.execPath, ['--import', 'tsx', 'mta/main.ts']);
// Sends notices and webhooks from the outbox; 'react-server' because lib/ modules import 'server-only'.
launch('notice-worker', process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/notice-worker.ts']);
step(`site on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
