// A private nginx running the shipped deploy/nginx/tayori.conf in front of a site on this machine:
// only the upstream port, the listen address and the cache path are replaced; everything else
// (pid, lock, logs, temp paths) lives in a directory of its own, so the system's nginx is never
// touched. Used by `npm run bench:proxy` and `npm run simulate`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const NGINX = process.env.NGINX ?? 'nginx';
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHIPPED = path.join(ROOT, 'deploy', 'nginx', 'tayori.conf');

export function nginxAvailable() {
  return !spawnSync(NGINX, ['-v']).error;
}

export function nginxVersion() {
  const out = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return (out.stderr || out.stdout).match(/nginx\/(\S+)/)?.[1] ?? '?';
}

/** Replaces one line of the shipped file, and fails if the file no longer has it. */
function substitute(text, pattern, replacement) {
  const matches = text.match(new RegExp(pattern.source, 'gm')) ?? [];
  if (matches.length !== 1) throw new Error(`${path.relative(ROOT, SHIPPED)}: expected one line matching ${pattern}, found ${matches.length}`);
  return text.replace(new RegExp(pattern.source, 'm'), replacement);
}

/**
 * The shipped server block inside a private http block; `extra` is appended inside http (e.g. a
 * static server block to compare with). One worker, so a load generator keeps a core.
 */
export function nginxConfig({ dir, sitePort, proxyPort, extra = '' }) {
  let shipped = readFileSync(SHIPPED, 'utf8');
  shipped = substitute(shipped, /^proxy_cache_path \S+/, `proxy_cache_path ${path.join(dir, 'cache')}`);
  shipped = substitute(shipped, /^ {4}server 127\.0\.0\.1:3000 /, `    server 127.0.0.1:${sitePort} `);
  shipped = substitute(shipped, /^ {4}listen 80;/, `    listen 127.0.0.1:${proxyPort};`);
  return `worker_processes 1;
pid ${dir}/nginx.pid;
lock_file ${dir}/nginx.lock;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  types { text/html html; }
  default_type application/octet-stream;
  sendfile on;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  # Which requests were answered from the cache, and which went to the site.
  log_format cache '$server_port $status $upstream_cache_status';
  access_log ${dir}/access.log cache buffer=256k;

${shipped}
${extra}
}
`;
}

/** Checks and starts nginx in the foreground (its own process group); returns how to stop it. */
export function startNginx({ dir, sitePort, proxyPort, extra = '' }) {
  // nginx workers drop root privileges; they must be able to read and write below here.
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ dir, sitePort, proxyPort, extra }));
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', conf];
  const test = spawnSync(NGINX, ['-t', '-q', ...args], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
  const child = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: 'inherit', detached: true });
  return {
    child,
    url: `http://127.0.0.1:${proxyPort}/`,
    /** `nginx -s reopen` makes the worker write out its buffered access log. */
    flushLog: async () => {
      spawnSync(NGINX, [...args, '-s', 'reopen']);
      await new Promise((r) => setTimeout(r, 500));
    },
    accessLog: path.join(dir, 'access.log'),
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    },
  };
}

/** Counts `$upstream_cache_status` per proxied request in the access log. */
export function cacheStatuses(accessLog, proxyPort) {
  const byStatus = {};
  for (const line of readFileSync(accessLog, 'utf8').split('\n')) {
    const [port, , cacheStatus] = line.split(' ');
    if (port === String(proxyPort)) byStatus[cacheStatus] = (byStatus[cacheStatus] ?? 0) + 1;
  }
  return byStatus;
}
