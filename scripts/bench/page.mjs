// npm run bench:page — loads `/` of the production site server (50 connections, 10 s), answered
// from its in-memory snapshot (scripts/lib/snapshot.mjs), and in the same run: a URL outside the
// snapshot, which Next.js's handler answers from its own cache (what every page cost before the
// snapshot), and the same HTML from two static file servers, sirv and nginx. Prints requests/s,
// p99 latency, errors and the ratios to the static servers (the bar: 0.3× nginx).
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildIsCurrent, recordBuild } from '../lib/build-stamp.mjs';
import { nginxAvailable, nginxVersion, startNginx } from '../lib/nginx.mjs';
import { SNAPSHOT_HEADER } from '../lib/snapshot.mjs';
import { freePort } from '../lib/wait.mjs';
import { prepareDatabase } from '../prepare-db.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };

async function waitFor(url, accept = (res) => res.ok) {
  for (let i = 0; i < 300; i++) {
    try {
      if (accept(await fetch(url))) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer as expected`);
}

function load(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const row = (name, r) =>
  `${name.padEnd(34)} ${String(Math.round(r.requests.average)).padStart(8)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;

prepareDatabase(env);
if (!buildIsCurrent()) {
  const build = spawnSync('npx', ['next', 'build'], { env, stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
  recordBuild();
}

const sitePort = await freePort();
const site = spawn(process.execPath, ['scripts/site-server.mjs'], { env: { ...env, PORT: String(sitePort), HOST: '127.0.0.1' }, stdio: 'ignore', detached: true });
const siteUrl = `http://127.0.0.1:${sitePort}/`;
// Not in the snapshot (a query string it does not keep): Next.js's handler, from its page cache.
const nextUrl = `${siteUrl}?via=next`;
const staticPort = await freePort();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-'));
let staticServer;
let nginx;
try {
  await waitFor(siteUrl, (res) => res.ok && res.headers.has(SNAPSHOT_HEADER));
  // The same HTML the site serves, as a file.
  const html = await (await fetch(siteUrl)).text();
  const dir = path.join(tmp, 'static');
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(path.join(dir, 'index.html'), html, { mode: 0o644 });
  staticServer = fork(path.join(import.meta.dirname, 'static-server.mjs'), [dir, String(staticPort)], { stdio: 'ignore' });
  await new Promise((r) => staticServer.once('message', r));

  await load(siteUrl); // warm-up pass is not counted
  const siteResult = await load(siteUrl);
  const nextResult = await load(nextUrl);
  const staticResult = await load(`http://127.0.0.1:${staticPort}/`);

  // The same file from nginx (one worker, sendfile), when it is installed: the fastest a static
  // page gets on this machine. The shipped configuration's proxy is started with it, unused.
  let nginxResult;
  if (nginxAvailable()) {
    const nginxStaticPort = await freePort();
    nginx = startNginx({ dir: tmp, sitePort, proxyPort: await freePort(), extra: `  server {\n    listen 127.0.0.1:${nginxStaticPort};\n    root ${dir};\n  }` });
    const nginxUrl = `http://127.0.0.1:${nginxStaticPort}/`;
    await waitFor(nginxUrl);
    nginxResult = await load(nginxUrl);
  }

  const rps = (r) => Math.round(r.requests.average);
  console.log(`\n/ with ${CONNECTIONS} connections for ${DURATION} s each (${os.cpus().length} cores${nginxResult ? `, nginx ${nginxVersion()}, 1 worker` : ''})`);
  console.log(row('tayori (site server, snapshot)', siteResult));
  console.log(row('tayori, Next.js handler (?via=next)', nextResult));
  console.log(row('static file (sirv)', staticResult));
  if (nginxResult) console.log(row('static file (nginx)', nginxResult));
  else console.log('static file (nginx): not measured, nginx is not installed (apt-get install nginx, or NGINX=/path/to/nginx)');
  const ratio = siteResult.requests.average / staticResult.requests.average;
  const nginxFields = nginxResult
    ? ` nginx_rps=${rps(nginxResult)} nginx_p99_ms=${nginxResult.latency.p99} nginx_ratio=${(siteResult.requests.average / nginxResult.requests.average).toFixed(2)} next_nginx_ratio=${(nextResult.requests.average / nginxResult.requests.average).toFixed(2)}`
    : '';
  console.log(
    `RESULT bench:page site_rps=${rps(siteResult)} site_p99_ms=${siteResult.latency.p99} site_errors=${siteResult.errors + siteResult.non2xx} next_rps=${rps(nextResult)} next_p99_ms=${nextResult.latency.p99} static_rps=${rps(staticResult)} static_p99_ms=${staticResult.latency.p99} ratio=${ratio.toFixed(2)}${nginxFields} html_bytes=${Buffer.byteLength(html)}`,
  );
} finally {
  staticServer?.kill();
  nginx?.stop();
  try {
    process.kill(-site.pid, 'SIGTERM');
  } catch {}
  setTimeout(() => rmSync(tmp, { recursive: true, force: true }), 1000);
}
