import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX, nginxAvailable, startNginx } from '../../../scripts/lib/nginx.mjs';
import { openDatabase, type TestDatabase } from '../../support/database';
import { copyDatabase, freePort, startSite, type RunningSite } from '../../support/site';
import { createStaff, PASSWORD, postForm, request, signIn } from './client';

// Finding 3: X-Forwarded-For was believed from anyone. Every rate limit keys on the real client:
// the connection's address, or what a proxy listed in TRUSTED_PROXIES says. Clients are told apart
// by the local address they connect from (127.0.0.0/8), as different hosts would be.

const quiet = { RULE_TICK_SECONDS: '300', SMTP_URL: 'smtp://127.0.0.1:9' };

describe('without a proxy (TRUSTED_PROXIES unset)', () => {
  let site: RunningSite;
  let db: TestDatabase;

  beforeAll(async () => {
    site = await startSite({ ...quiet, DATABASE_URL: copyDatabase('client-address'), SUBSCRIBE_LIMIT_PER_IP_PER_HOUR: '5' });
    db = openDatabase(site.databaseUrl);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await site?.stop();
  });

  it('a new X-Forwarded-For on every request is still one client: subscriptions stop at its limit', async () => {
    const answers: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const forged = `203.0.113.${i}`;
      const answer = await postForm(`${site.url}/subscribe`, [['email', `forged-${i}@example.test`], ['noticeLang', 'ja'], ['scope', 'all']], {
        testId: 'subscribe-form',
        from: '127.0.0.11',
        headers: { 'x-forwarded-for': forged, 'x-real-ip': forged },
      });
      answers.push(answer.text.includes('確認メールをお送りしました') ? 'sent' : answer.text.includes('短時間に多くのお申し込みがありました') ? 'rate limited' : `status ${answer.status}`);
    }
    expect(answers).toEqual([...Array(5).fill('sent'), ...Array(3).fill('rate limited')]);
    expect(await db.subscriber.count({ where: { email: { startsWith: 'forged-' } } })).toBe(5);
  });

  it('…and sign-in failures stop at the per-client limit of 20', async () => {
    const outcomes: string[] = [];
    for (let i = 1; i <= 22; i++) {
      const { outcome } = await signIn(site.url, `nobody-${i}@example.test`, 'not the password', { from: '127.0.0.12', headers: { 'x-forwarded-for': `198.51.100.${i}` } });
      outcomes.push(outcome);
    }
    expect(outcomes).toEqual([...Array(20).fill('invalid'), 'locked', 'locked']);
  });

  it('naming the admin’s address in X-Forwarded-For does not lock the admin out', async () => {
    await createStaff(site, 'admin@example.test', 'admin');
    const attacker = { from: '127.0.0.13', headers: { 'x-forwarded-for': '127.0.0.14' } };
    for (let i = 1; i <= 21; i++) await signIn(site.url, `made-up-${i}@example.test`, 'not the password', attacker);
    expect((await signIn(site.url, 'admin@example.test', PASSWORD, attacker)).outcome).toBe('locked');
    expect((await signIn(site.url, 'admin@example.test', PASSWORD, { from: '127.0.0.14' })).outcome).toBe('signed-in');
  });

  it('the session and the audit log keep the address that connected, not the one claimed', async () => {
    await createStaff(site, 'recorded@example.test', 'editor');
    const { outcome } = await signIn(site.url, 'recorded@example.test', PASSWORD, { from: '127.0.0.15', headers: { 'x-forwarded-for': '192.0.2.1', 'x-real-ip': '192.0.2.1' } });
    expect(outcome).toBe('signed-in');
    const user = await db.staffUser.findUniqueOrThrow({ where: { email: 'recorded@example.test' } });
    expect((await db.staffSession.findMany({ where: { userId: user.id } })).map((s) => s.ip)).toEqual(['127.0.0.15']);
    expect((await db.auditLog.findMany({ where: { actorId: user.id, action: 'auth.sign_in' } })).map((a) => a.ip)).toEqual(['127.0.0.15']);
  });
});

describe('behind the shipped nginx (deploy/nginx/tayori.conf), listed in TRUSTED_PROXIES', () => {
  let site: RunningSite;
  let db: TestDatabase;
  let nginx: ReturnType<typeof startNginx> | undefined;
  let dir: string;
  let proxy: string;
  // A browser reaching nginx by its name on port 80 sends these; the test's nginx listens elsewhere.
  const browser = { host: 'status.example.test', origin: 'http://status.example.test' };

  beforeAll(async () => {
    if (!nginxAvailable()) throw new Error(`nginx not found (${NGINX}): apt-get install nginx`);
    site = await startSite({ ...quiet, DATABASE_URL: copyDatabase('client-address-proxy'), SITE_URL: 'http://status.example.test', TRUSTED_PROXIES: '127.0.0.1' });
    db = openDatabase(site.databaseUrl);
    dir = mkdtempSync(path.join(tmpdir(), 'tayori-nginx-clients-'));
    const proxyPort = await freePort();
    nginx = startNginx({ dir, sitePort: site.port, proxyPort });
    proxy = `http://127.0.0.1:${proxyPort}`;
    for (let i = 0; i < 50 && (await request(`${proxy}/favicon.svg`).catch(() => null))?.status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(async () => {
    nginx?.stop();
    await db?.$disconnect();
    await site?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('counts each client by the address nginx saw, whatever the client wrote', async () => {
    await createStaff(site, 'proxied-admin@example.test', 'admin');
    const attacker = { from: '127.0.0.21', headers: { ...browser, 'x-forwarded-for': '127.0.0.22', 'x-real-ip': '127.0.0.22' } };
    const outcomes: string[] = [];
    for (let i = 1; i <= 21; i++) outcomes.push((await signIn(proxy, `made-up-${i}@example.test`, 'not the password', attacker)).outcome);
    expect(outcomes).toEqual([...Array(20).fill('invalid'), 'locked']);
    expect((await signIn(proxy, 'proxied-admin@example.test', PASSWORD, { from: '127.0.0.22', headers: browser })).outcome).toBe('signed-in');
    const user = await db.staffUser.findUniqueOrThrow({ where: { email: 'proxied-admin@example.test' } });
    expect((await db.staffSession.findMany({ where: { userId: user.id } })).map((s) => s.ip)).toEqual(['127.0.0.22']);
  });

  it('takes another name of the site from nginx, and from nobody else', async () => {
    const other = { host: 'status-alt.example.test', origin: 'http://status-alt.example.test' };
    expect((await signIn(proxy, 'someone@example.test', 'not the password', { from: '127.0.0.23', headers: other })).outcome).toBe('invalid');
    // The same claim made straight to the site, by a client that is not the proxy: refused.
    const direct = await signIn(site.url, 'someone@example.test', 'not the password', { from: '127.0.0.24', headers: { ...other, 'x-forwarded-host': other.host, 'x-forwarded-proto': 'http' } });
    // forbidden() answers a form posted without JavaScript with the not-found page.
    expect(direct.outcome).toBe('status 404');
  });
});
