import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX, nginxAvailable, nginxConfig } from '../../../scripts/lib/nginx.mjs';
import { freePort, startSite, type RunningSite } from '../../support/site';

// The shipped deploy/nginx/tayori.conf in front of the site, with TLS ending at nginx as in
// production (a throw-away certificate) and a plain-http listener beside it: the site's policy
// headers reach the browser on fresh and cached pages alike, and HSTS is sent once, over https only.
let site: RunningSite;
let nginx: ChildProcess | undefined;
let dir: string;
let tlsPort = 0;
let plainPort = 0;

beforeAll(async () => {
  if (!nginxAvailable()) throw new Error(`nginx not found (${NGINX}): apt-get install nginx`);
  site = await startSite({ SITE_URL: 'https://status.example.test', RULE_TICK_SECONDS: '300' });
  dir = mkdtempSync(path.join(tmpdir(), 'tayori-nginx-headers-'));
  chmodSync(dir, 0o755);
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=status.example.test', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' });
  if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr}`);
  tlsPort = await freePort();
  plainPort = await freePort();
  // The shipped server block listens on plain http here; TLS is added to it as docs/deployment.md says.
  const conf = nginxConfig({ dir, sitePort: site.port, proxyPort: plainPort }).replace(
    `    listen 127.0.0.1:${plainPort};`,
    `    listen 127.0.0.1:${plainPort};\n    listen 127.0.0.1:${tlsPort} ssl;\n    ssl_certificate ${dir}/cert.pem;\n    ssl_certificate_key ${dir}/key.pem;`,
  );
  expect(conf).toContain(`${tlsPort} ssl`);
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')];
  const check = spawnSync(NGINX, ['-t', '-q', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
  nginx = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 50; i++) {
    if ((await get('https', '/favicon.svg').catch(() => null))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not answer');
});
afterAll(async () => {
  if (nginx?.pid) process.kill(-nginx.pid, 'SIGTERM');
  await site?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function get(scheme: 'https' | 'http', p: string): Promise<{ status: number; headers: IncomingHttpHeaders; raw: string[] }> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: scheme === 'https' ? tlsPort : plainPort, path: p, headers: { host: 'status.example.test' }, rejectUnauthorized: false };
    const req = (scheme === 'https' ? request : httpRequest)(options, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: res.rawHeaders }));
    });
    req.on('error', reject);
    req.end();
  });
}

const count = (raw: string[], name: string) => raw.filter((h, i) => i % 2 === 0 && h.toLowerCase() === name).length;

describe('behind the shipped nginx configuration', () => {
  it('passes the site’s policy headers through, on a cached page too, and sends HSTS exactly once over https', async () => {
    for (const attempt of ['first', 'cached']) {
      const res = await get('https', '/en');
      expect(res.status, attempt).toBe(200);
      expect(res.headers['content-security-policy'], attempt).toContain("object-src 'none'");
      expect(res.headers['permissions-policy'], attempt).toContain('camera=()');
      expect(res.headers['x-frame-options'], attempt).toBe('DENY');
      expect(count(res.raw, 'strict-transport-security'), attempt).toBe(1);
      expect(res.headers['strict-transport-security'], attempt).toMatch(/^max-age=31536000; includeSubDomains$/);
    }
    expect((await get('https', '/en')).headers['x-cache-status']).toMatch(/HIT|STALE|UPDATING|REVALIDATED/);
    // The API (which the site's proxy leaves alone) gets it from nginx as well.
    expect(count((await get('https', '/api/v2/status.json')).raw, 'strict-transport-security')).toBe(1);
  });

  it('sends no HSTS over plain http, even though the site (SITE_URL https) sends one', async () => {
    const res = await get('http', '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(count(res.raw, 'strict-transport-security')).toBe(0);
  });
});
