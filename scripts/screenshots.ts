// `npm run screenshots`: the README's screenshots (docs/screenshots/*.png), taken from a seeded demo.
//
// A database and data directory of its own under the system's temporary directory (removed at
// the end), its own production build (.next-screenshots, built only when the sources changed),
// the site as `npm start` serves it (scripts/site-server.mjs, no MTA or worker), then through the
// write API an incident with an update on a component, a staff account set up by `npm run staff`,
// and Chromium (Debian's, as the browser tests use) for the pictures. Nothing of `npm start`'s
// data is touched. Not part of `npm test`.
//
//   npm run screenshots            all of them
//   npm run screenshots -- --keep  leave the demo running and print its URL (Ctrl-C stops it)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../tests/support/browser';
import { freePort } from './lib/wait.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const DIST = '.next-screenshots';
const keep = process.argv.includes('--keep');

function step(message: string) {
  console.log(`screenshots: ${message}`);
}

function fail(message: string): never {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'tayori-screenshots-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  NEXT_DIST_DIR: DIST,
  DATABASE_URL: `file:${path.join(work, 'tayori.db')}`,
  DATA_DIR: work,
  SITE_URL: url,
  PORT: String(port),
  HOST: '127.0.0.1',
  // A provider for the demo, so the header and footer show whose page it is.
  SITE_PROVIDER_NAME_JA: 'サンプルホスティング株式会社',
  SITE_PROVIDER_NAME_EN: 'Example Hosting Inc.',
  SITE_PROVIDER_URL: 'https://www.example.jp/',
  SITE_SUPPORT_URL: 'https://www.example.jp/support/',
  SITE_SUPPORT_EMAIL: 'support@example.jp',
};
// scripts/lib/build-stamp.mjs and scripts/start.mjs read the build directory from this process's environment.
process.env.NEXT_DIST_DIR = DIST;

const children: ChildProcess[] = [];
function cleanUp() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

function run(args: string[], what: string): string {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) fail(`${what} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function startSite(): Promise<void> {
  const child = spawn(process.execPath, ['scripts/site-server.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) fail(`the site exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/favicon.svg`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) fail(`the site did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A call to the write API (/api/v1) with the demo's key; fails the script on anything but 2xx. */
async function api(key: string, pageId: string, method: string, pathname: string, body: unknown) {
  const res = await fetch(`${url}/api/v1/pages/${pageId}${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id: string; shortlink?: string };
  if (!res.ok) fail(`${method} ${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Waits until a public page shows a text (the write API refreshes pages at once; a snapshot may lag a moment). */
async function waitForText(pathname: string, text: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await (await fetch(`${url}${pathname}`)).text()).includes(text)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  fail(`${pathname} did not show "${text}" within 30 s`);
}

async function shoot(page: Page, file: string) {
  // Fonts and images settled, no caret blinking, no focus ring left from navigation.
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const target = path.join(OUT, file);
  await page.screenshot({ path: target, animations: 'disabled', caret: 'hide' });
  step(`${path.relative(ROOT, target)} (${Math.round(statSync(target).size / 1024)} KiB)`);
}

let browser: Browser | undefined;
try {
  step(`demo data in ${work}`);
  // Migrations, the seeded components, the reports in content/, and a build when the sources changed.
  const { prepare } = await import('./start.mjs');
  prepare(env);
  await startSite();
  step(`site on ${url}`);

  const pageId = ((await (await fetch(`${url}/api/v2/summary.json`)).json()) as { page: { id: string } }).page.id;
  const key = run(['--conditions=react-server', '--import', 'tsx', 'scripts/apikey.ts', 'create', '--name', 'screenshots', '--role', 'editor'], 'npm run apikey').split('\n')[0].trim();

  const incident = await api(key, pageId, 'POST', '/incidents', {
    incident: {
      name_ja: 'コントロールパネルに接続しにくい状態',
      name_en: 'Control panel slow to load',
      status: 'investigating',
      body_ja: 'コントロールパネルの表示に時間がかかる、またはタイムアウトする事象が発生しています。原因を調査しています。',
      body_en: 'The control panel is slow to load or times out for some customers. We are investigating.',
      components: { 'control-panel': 'partial_outage' },
      deliver_notifications: false,
    },
  });
  await api(key, pageId, 'PATCH', `/incidents/${incident.id}`, {
    incident: {
      status: 'identified',
      body_ja: 'データベースサーバーの1台で応答が遅くなっていることを確認しました。切り替え作業を行っています。',
      body_en: 'One of the database servers answers slowly. We are moving the control panel to a standby server.',
      deliver_notifications: false,
    },
  });
  await waitForText('/', 'コントロールパネルに接続しにくい状態');

  const staffOut = run(['--conditions=react-server', '--import', 'tsx', 'scripts/staff.ts', 'add', 'editor@example.jp', '--role', 'editor'], 'npm run staff -- add');
  const setupLink = /(https?:\/\/\S+\/admin\/setup-password\?token=\S+)/.exec(staffOut)?.[1];
  if (!setupLink) fail(`no set-up link in:\n${staffOut}`);

  if (keep) {
    step(`the demo keeps running on ${url} (staff set-up: ${setupLink}); Ctrl-C stops it`);
    await new Promise(() => {});
  }

  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();

  const desktop = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await desktop.goto(`${url}/`);
  await shoot(desktop, 'status-1280-light.png');

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
  await phone.goto(`${url}/`);
  await shoot(phone, 'status-390-dark.png');

  await desktop.goto(`${url}/incidents/2014-12-02-mail-delay`);
  await shoot(desktop, 'report-1280-light.png');

  // The console: set the password through the link, sign in, open the incident.
  const password = 'screenshots only, thrown away with the demo';
  const console_ = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await console_.goto(setupLink);
  await console_.getByLabel(/新しいパスワード|New password/).fill(password);
  await console_.getByRole('button', { name: /パスワードを設定|Set password/ }).click();
  await console_.waitForURL(/\/admin\/sign-in\?done=1$/);
  await console_.getByLabel(/メールアドレス|Email address/).fill('editor@example.jp');
  await console_.getByLabel(/^パスワード$|^Password$/).fill(password);
  await console_.getByRole('button', { name: /サインイン|Sign in/ }).click();
  await console_.waitForURL(/\/admin$/);
  await console_.goto(`${url}/admin/incidents/${incident.id}`);
  await shoot(console_, 'console-incident-1280-light.png');
} finally {
  await browser?.close();
  cleanUp();
}
