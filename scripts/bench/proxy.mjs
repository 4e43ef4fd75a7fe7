// npm run bench:proxy — the site behind nginx, configured by the shipped deploy/nginx/tayori.conf
// (only the upstream port, listen address and cache path replaced), against the same nginx
// serving the same HTML as a static file. Loads `/` of both (50 connections, 10 s) in one run and
// prints requests/s, p99 latency, errors and the ratio.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildIsCurrent, recordBuild } from '../lib/build-stamp.mjs';
import { cacheStatuses, NGINX, nginxAvailable, nginxVersion, startNginx } from '../lib/nginx.mjs';
import { freePort } from '../lib/wait.mjs';
import { prepareDatabase } from '../prepare-db.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROOT = path.resolve(import.meta.dirname, '../..');

// A database of its own, and a build of its own: pages are prerendered from the database, and
// neither a developer's data nor their build is touched.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-proxy-'));
process.env.NEXT_DIST_DIR = '.next-bench';
const env = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  DATABASE_URL: `file:${path.join(tmp, 'tayori.db')}`,
  DATA_DIR: path.join(tmp, 'data'),
  MTA_DISABLED: 'true',
};

async function waitFor(url, accept = (res) => res.ok) {
  for (let i = 0; i < 300; i++) {
    try {
      if (accept(await fetch(url))) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer as expected`);
}

function load(url, duration = DURATION) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function row(name, r) {
  return `${name.padEnd(26)} ${String(Math.round(r.requests.average)).padStart(8)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
}

if (!nginxAvailable()) {
  console.error(`bench:proxy needs nginx (${NGINX}): apt-get install nginx, or set NGINX=/path/to/nginx`);
  process.exit(1);
}

let site;
let nginx;
try {
  prepareDatabase(env);
  if (!buildIsCurrent()) {
    const build = spawnSync('npx', ['next', 'build'], { env, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('next build failed');
    recordBuild();
  }
  // Query results cached by an earlier run came from another database.
  rmSync(path.join(ROOT, env.NEXT_DIST_DIR, 'cache', 'fetch-cache'), { recursive: true, force: true });

  const [sitePort, proxyPort, staticPort] = [await freePort(), await freePort(), await freePort()];
  site = spawn(process.execPath, [path.join(ROOT, 'scripts', 'site-server.mjs')], {
    cwd: ROOT,
    env: { ...env, PORT: String(sitePort), HOST: '127.0.0.1', TRUSTED_PROXIES: '127.0.0.1' },
    stdio: 'ignore',
    detached: true,
  });
  const siteUrl = `http://127.0.0.1:${sitePort}/`;
  await waitFor(siteUrl);

  // The same HTML the site serves, as a file behind the same nginx.
  const html = await (await fetch(siteUrl)).text();
  const staticDir = path.join(tmp, 'static');
  mkdirSync(staticDir, { mode: 0o755 });
  writeFileSync(path.join(staticDir, 'index.html'), html, { mode: 0o644 });

  nginx = startNginx({ dir: tmp, sitePort, proxyPort, extra: `  server {\n    listen 127.0.0.1:${staticPort};\n    root ${staticDir};\n  }` });
  const proxyUrl = nginx.url;
  const staticUrl = `http://127.0.0.1:${staticPort}/`;
  await waitFor(staticUrl);
  // Warm the cache: the first request is a MISS that the site answers, then nginx has the page.
  await waitFor(proxyUrl, (res) => res.ok && res.headers.get('x-cache-status') === 'HIT');
  const cached = await fetch(proxyUrl);
  console.log(`through nginx: ${cached.headers.get('x-cache-status')}, Cache-Control: ${cached.headers.get('cache-control')}`);

  const flushLog = nginx.flushLog;
  await load(proxyUrl, Math.max(2, Math.round(DURATION / 3))); // warm-up pass is not counted
  await flushLog();
  writeFileSync(nginx.accessLog, '');
  const proxyResult = await load(proxyUrl);
  const staticResult = await load(staticUrl);

  // Count how the proxied requests of the measured pass were answered.
  await flushLog();
  const byStatus = cacheStatuses(nginx.accessLog, proxyPort);
  const proxied = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const upstream = (byStatus.MISS ?? 0) + (byStatus.EXPIRED ?? 0) + (byStatus.BYPASS ?? 0) + (byStatus['-'] ?? 0);

  console.log(`\n/ with ${CONNECTIONS} connections for ${DURATION} s each (${os.cpus().length} cores, nginx ${nginxVersion()}, 1 worker)`);
  console.log(row('tayori via nginx cache', proxyResult));
  console.log(row('static file (nginx)', staticResult));
  console.log(`cache status of the proxied requests: ${Object.entries(byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}; ${upstream} of ${proxied} went to the site in the foreground`);
  const ratio = proxyResult.requests.average / staticResult.requests.average;
  console.log(
    `RESULT bench:proxy proxy_rps=${Math.round(proxyResult.requests.average)} proxy_p99_ms=${proxyResult.latency.p99} static_rps=${Math.round(staticResult.requests.average)} static_p99_ms=${staticResult.latency.p99} ratio=${ratio.toFixed(2)} html_bytes=${Buffer.byteLength(html)}`,
  );
} catch (error) {
  console.error(`bench:proxy: ${error.message}`);
  process.exitCode = 1;
} finally {
  nginx?.stop();
  try {
    if (site) process.kill(-site.pid, 'SIGTERM');
  } catch {}
  // nginx and the site remove their pid file and sockets as they stop; the rest is ours.
  setTimeout(() => rmSync(tmp, { recursive: true, force: true }), 1000);
}
