// npm run bench:page — loads `/` of the production server (50 connections, 10 s) and, in the same
// run, the same HTML from a static file server, and prints requests/s, p99 latency and the ratio.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildIsCurrent, recordBuild } from '../lib/build-stamp.mjs';
import { freePort } from '../lib/wait.mjs';
import { prepareDatabase } from '../prepare-db.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };

async function waitFor(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

prepareDatabase(env);
if (!buildIsCurrent()) {
  const build = spawnSync('npx', ['next', 'build'], { env, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  recordBuild();
}

const sitePort = await freePort();
const site = spawn(process.execPath, ['scripts/site-server.mjs'], { env: { ...env, PORT: String(sitePort), HOST: '127.0.0.1' }, stdio: 'ignore', detached: true });
const siteUrl = `http://127.0.0.1:${sitePort}/`;
const staticPort = await freePort();
let staticServer;
try {
  await waitFor(siteUrl);
  // The same HTML the site serves, as a file.
  const html = await (await fetch(siteUrl)).text();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-'));
  writeFileSync(path.join(dir, 'index.html'), html);
  staticServer = fork(path.join(import.meta.dirname, 'static-server.mjs'), [dir, String(staticPort)], { stdio: 'ignore' });
  await new Promise((r) => staticServer.once('message', r));

  await load(siteUrl); // warm-up pass is not counted
  const siteResult = await load(siteUrl);
  const staticResult = await load(`http://127.0.0.1:${staticPort}/`);

  const row = (name, r) =>
    `${name.padEnd(22)} ${String(Math.round(r.requests.average)).padStart(8)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
  console.log(`\n/ with ${CONNECTIONS} connections for ${DURATION} s each (${os.cpus().length} cores)`);
  console.log(row('tayori (next start)', siteResult));
  console.log(row('static file (sirv)', staticResult));
  const ratio = siteResult.requests.average / staticResult.requests.average;
  console.log(
    `RESULT bench:page site_rps=${Math.round(siteResult.requests.average)} site_p99_ms=${siteResult.latency.p99} static_rps=${Math.round(staticResult.requests.average)} static_p99_ms=${staticResult.latency.p99} ratio=${ratio.toFixed(2)} html_bytes=${Buffer.byteLength(html)}`,
  );
} finally {
  staticServer?.kill();
  try {
    process.kill(-site.pid, 'SIGTERM');
  } catch {}
}
