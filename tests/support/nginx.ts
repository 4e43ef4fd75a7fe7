// A throw-away nginx for the HTTP probe's tests: plain HTTP and two HTTPS servers (a certificate
// valid for a year and one with a day left, both self-signed for 127.0.0.1), all on free ports,
// with its configuration, logs and pid under a temporary directory. Stop and start it again on the
// same ports to watch a probe see an outage. Needs /usr/sbin/nginx and openssl.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, portOpen, waitFor } from '../../scripts/lib/wait.mjs';

const NGINX = '/usr/sbin/nginx';

export const NGINX_PAGE = 'Tayori probe target: all systems go';

export function nginxUnavailable(): string | null {
  if (!existsSync(NGINX)) return 'needs /usr/sbin/nginx (Debian package nginx)';
  if (spawnSync('openssl', ['version']).status !== 0) return 'needs openssl';
  return null;
}

export interface Nginx {
  httpUrl: string;
  /** https with a certificate valid for 365 days. */
  httpsUrl: string;
  /** https with a certificate valid for 1 day. */
  shortCertUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

function certificate(dir: string, name: string, days: number) {
  const key = path.join(dir, `${name}-key.pem`);
  const cert = path.join(dir, `${name}-cert.pem`);
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
  return { key, cert };
}

export async function startNginx(): Promise<Nginx> {
  const home = mkdtempSync(path.join(tmpdir(), 'nginx-probe-'));
  chmodSync(home, 0o755);
  const [httpPort, httpsPort, shortPort] = [await freePort(), await freePort(), await freePort()];
  const year = certificate(home, 'year', 365);
  const day = certificate(home, 'day', 1);
  const locations = [
    'location = / { default_type text/html; return 200 "<html><body>' + NGINX_PAGE + '</body></html>"; }',
    'location = /missing { return 404; }',
    'location = /moved { return 302 /; }',
    'location = /loop { return 302 /loop; }',
  ].join('\n    ');
  const server = (listen: string, tls?: { key: string; cert: string }) =>
    [`  server {`, `    listen ${listen};`, ...(tls ? [`    ssl_certificate ${tls.cert};`, `    ssl_certificate_key ${tls.key};`] : []), `    ${locations}`, '  }'].join('\n');
  writeFileSync(
    path.join(home, 'nginx.conf'),
    [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${home}/nginx.pid;`,
      `error_log ${home}/error.log warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${home}/body;`,
      `  proxy_temp_path ${home}/proxy;`,
      `  fastcgi_temp_path ${home}/fastcgi;`,
      `  uwsgi_temp_path ${home}/uwsgi;`,
      `  scgi_temp_path ${home}/scgi;`,
      server(`127.0.0.1:${httpPort}`),
      server(`127.0.0.1:${httpsPort} ssl`, year),
      server(`127.0.0.1:${shortPort} ssl`, day),
      '}',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    if (child) return;
    // Its own process group, so stopping it is a signal to a group this process started.
    const c = spawn(NGINX, ['-p', home, '-c', path.join(home, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    c.stdout!.on('data', (d) => (output += d));
    c.stderr!.on('data', (d) => (output += d));
    child = c;
    await waitFor(`nginx on ${httpPort}`, async () => {
      if (c.exitCode !== null) throw new Error(`nginx exited with ${c.exitCode}: ${output}\n${existsSync(path.join(home, 'error.log')) ? readFileSync(path.join(home, 'error.log'), 'utf8') : ''}`);
      return (await portOpen(httpPort)) && (await portOpen(httpsPort)) && (await portOpen(shortPort));
    }, 15_000);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c?.pid) return;
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await waitFor('nginx to stop', async () => c.exitCode !== null && !(await portOpen(httpPort)), 10_000);
  };
  await start();
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    shortCertUrl: `https://127.0.0.1:${shortPort}`,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
