// Built-in probes end to end: an editor defines an HTTP probe against a real nginx in the console
// (a malformed target is refused at the field, "test now" shows a result and stores none), the
// worker runs it, and the component follows nginx: major outage with an automatic incident when
// nginx stops, operational again when it is back; its public page charts the response time.
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { openDatabase, type TestDatabase } from '../support/database';
import { nginxUnavailable, startNginx, type Nginx } from '../support/nginx';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';

let site: RunningSite;
let db: TestDatabase;
let browser: Browser;
let staff: BrowserContext;
let page: Page;
let nginx: Nginx;

const skip = nginxUnavailable();
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

beforeAll(async () => {
  if (skip) return;
  nginx = await startNginx();
  const isolated = isolatedSite('probes');
  db = openDatabase(isolated.DATABASE_URL);
  site = await startSite({ ...isolated, RULE_TICK_SECONDS: '1' });
  browser = await launchChromium();
  staff = await signedInContext(browser, site.databaseUrl, site.url, 'probes-editor@example.com', 'editor');
  page = await staff.newPage();
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await db?.$disconnect();
  await nginx?.close();
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}\n--- worker:\n${site.workerOutput().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** An IMAP server that greets, answers CAPABILITY and refuses every login. */
async function fakeImapServer(): Promise<{ port: number; commands: string[]; close: () => Promise<void> }> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        commands.push(line.replace(/^(\S+ LOGIN \S+).*/i, '$1 …'));
        const [tag, command = ''] = line.split(' ');
        if (/^(LOGIN|AUTHENTICATE)$/i.test(command)) socket.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
        else if (/^CAPABILITY$/i.test(command)) socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
        else if (/^LOGOUT$/i.test(command)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        else socket.write(`${tag} OK done\r\n`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    commands,
    close: () => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

const webmail = () => db.component.findUniqueOrThrow({ where: { slug: 'webmail' }, select: { id: true, status: true } });

describe.skipIf(skip)(`built-in probes drive a component's status${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('refuses a malformed target at the field and stores nothing; test now shows a result without storing one', async () => {
    await page.goto(`${site.url}/admin/probes?component=webmail`);
    const { id } = await webmail();
    expect(await page.locator('#probe-componentId').inputValue()).toBe(id);
    await page.locator('#probe-kind').selectOption('tcp');
    await page.locator('#probe-target').fill('webmail.example.jp');
    await page.getByRole('button', { name: '監視を追加' }).click();
    await expect.poll(() => page.locator('#probe-target-error').textContent()).toBe('ポート番号を指定してください（ホスト:ポート）。');
    expect(await page.locator('#probe-target').inputValue()).toBe('webmail.example.jp');
    expect(await db.probe.count()).toBe(0);

    await page.locator('#probe-kind').selectOption('http');
    await page.locator('#probe-target').fill(`${nginx.httpUrl}/`);
    await page.locator('#probe-keyword').fill('all systems go');
    await page.getByRole('button', { name: '今すぐテスト（保存しません）' }).click();
    await expect.poll(() => page.getByTestId('probe-test-result').textContent()).toMatch(/^テスト結果: 成功 \(\d+ ms\)/);
    expect(await db.probe.count()).toBe(0);
    expect(await db.probeResult.count()).toBe(0);
  });

  it('goes major_outage with an automatic incident when nginx stops, and back when it starts', async () => {
    await page.locator('#probe-name').fill('Webmail front page');
    await page.locator('#probe-intervalS').fill('10');
    await page.locator('#probe-timeoutS').fill('2');
    await page.locator('#probe-confirmations').fill('1');
    await page.getByRole('button', { name: '監視を追加' }).click();
    await page.waitForURL(/\/admin\/probes\?saved=1&component=webmail$/);
    const probe = await db.probe.findFirstOrThrow();
    expect(probe).toMatchObject({ kind: 'http', target: `${nginx.httpUrl}/`, intervalS: 10, timeoutS: 2, name: 'Webmail front page' });
    expect(JSON.parse(probe.settings)).toMatchObject({ keyword: 'all systems go', confirmations: 1 });
    const { id } = await webmail();
    // As the Alertmanager test does: a shorter healthy spell before the component leaves a state.
    await db.componentMetricRule.update({ where: { componentId: id }, data: { leaveAfterS: 10 } });
    await until(() => db.probeResult.findFirst({ where: { probeId: probe.id } }), (r) => r?.ok === true, 'a passing result');
    expect((await webmail()).status).toBe('operational');

    await nginx.stop();
    await until(webmail, (c) => c.status === 'major_outage', 'webmail in major outage');
    const incident = await until(() => db.incident.findFirst({ where: { source: 'auto', autoComponentId: id } }), (i) => Boolean(i), 'the automatic incident');
    expect(incident!.published).toBe(true);
    expect((await db.probeResult.findFirst({ where: { probeId: probe.id, ok: false } }))?.error).toMatch(/refused the connection/);
    // Staff read why in the console's language.
    await page.goto(`${site.url}/admin/probes?component=webmail`);
    expect(await page.locator('[data-component="webmail"] [data-testid="probe-latest"]').textContent()).toMatch(/^失敗.*127\.0\.0\.1:\d+ に接続を拒否されました/);

    await nginx.start();
    await until(webmail, (c) => c.status === 'operational', 'webmail operational again');
    expect((await db.incident.findUniqueOrThrow({ where: { id: incident!.id } })).status).not.toBe('investigating');
  }, 90_000);

  it('lists the probe with its latest result and charts its latency on the public page in both languages', async () => {
    await page.goto(`${site.url}/admin/probes?component=webmail`);
    await expect.poll(() => page.locator('[data-component="webmail"] [data-testid="probe-latest"]').textContent()).toMatch(/^成功/);
    const ja = await until(async () => (await fetch(`${site.url}/ja/components/webmail`)).text(), (html) => html.includes('data-section="probe-latency"'), 'the latency chart');
    expect(ja).toContain('監視による応答時間（24時間）');
    const en = await until(async () => (await fetch(`${site.url}/en/components/webmail`)).text(), (html) => html.includes('data-section="probe-latency"'), 'the latency chart in English');
    expect(en).toContain('Response time measured by our checks (24 hours)');
    const actions = (await db.auditLog.findMany({ where: { action: { startsWith: 'probe.' } }, orderBy: { at: 'asc' } })).map((a) => a.action);
    expect(actions).toEqual(['probe.test', 'probe.create']);
  });

  it('tests an IMAP login from the site (imapflow inside the site server), wording the refusal in Japanese and keeping the password out of the audit log', async () => {
    const imap = await fakeImapServer();
    try {
      await page.goto(`${site.url}/admin/probes?component=webmail`);
      await page.locator('#probe-kind').selectOption('imap');
      await page.locator('#probe-target').fill(`127.0.0.1:${imap.port}`);
      await page.locator('#probe-user').fill('watch@example.jp');
      await page.locator('#probe-password').fill('e2e-secret-password');
      await page.locator('#probe-timeoutS').fill('5');
      await page.getByRole('button', { name: '今すぐテスト（保存しません）' }).click();
      await expect.poll(() => page.getByTestId('probe-test-result').textContent(), { timeout: 15_000 }).toMatch(/^テスト結果: 失敗 .*127\.0\.0\.1:\d+ でログインできません/);
      expect(imap.commands.some((c) => /LOGIN|AUTHENTICATE/i.test(c))).toBe(true);
      const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'probe.test' }, orderBy: { at: 'desc' } });
      expect(JSON.parse(audit.details)).toMatchObject({ kind: 'imap', ok: false });
      expect(audit.details).not.toContain('e2e-secret-password');
      // Shown again without the password.
      expect(await page.locator('#probe-password').inputValue()).toBe('');
    } finally {
      await imap.close();
    }
  });

  it('has no serious or critical accessibility violation on the probe pages and the charted component page, light and dark', async () => {
    const probe = await db.probe.findFirstOrThrow();
    const cookies = await staff.cookies();
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      // axe is injected as a script: the site's Content-Security-Policy would (rightly) refuse it.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, bypassCSP: true });
      await context.addCookies(cookies);
      const checked = await context.newPage();
      for (const path of ['/admin/probes?component=webmail', `/admin/probes/${probe.id}`, '/components/webmail', '/en/components/webmail']) {
        await checked.goto(`${site.url}${path}`, { waitUntil: 'load' });
        await checked.addScriptTag({ path: AXE });
        const violations = await checked.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (d: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
          return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        found.push(...violations.map((v) => `${colorScheme} ${path} ${v}`));
      }
      await context.close();
    }
    expect(found).toEqual([]);
  });
});
