import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { isolatedSite, ROOT, startSite, type RunningSite } from '../support/site';
import { PASSWORD, sessionCookie, signedInContext, staffCli } from '../support/staff';

let site: RunningSite;
let browser: Browser;
let db: Database.Database;
let distDir: string;
let admin: BrowserContext;
let editor: BrowserContext;

beforeAll(async () => {
  const isolated = isolatedSite('admin-auth');
  distDir = isolated.NEXT_DIST_DIR;
  site = await startSite(isolated);
  db = new Database(isolated.DATABASE_URL.replace(/^file:/, ''), { readonly: true });
  browser = await launchChromium();
  admin = await signedInContext(browser, site.databaseUrl, site.url, 'admin@example.com', 'admin');
  editor = await signedInContext(browser, site.databaseUrl, site.url, 'editor@example.com', 'editor');
});
afterAll(async () => {
  await browser?.close();
  db?.close();
  await site?.stop();
});

async function signInPage(context: BrowserContext, email: string, password: string) {
  const page = await context.newPage();
  await page.goto(`${site.url}/admin/sign-in`);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel(/^パスワード$/).fill(password);
  await page.getByRole('button', { name: 'サインイン' }).click();
  return page;
}

describe('accounts and sign-in', () => {
  it('has no default account: the console asks to sign in', async () => {
    const res = await fetch(`${site.url}/admin`, { redirect: 'manual' });
    expect([303, 307]).toContain(res.status);
    expect(res.headers.get('location')).toContain('/admin/sign-in');
  });

  it('a set-up link works once', async () => {
    const { link } = staffCli(site.databaseUrl, site.url, 'add', 'once@example.com', '--role', 'editor');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link!);
    // The page names the account the link is for before anything is typed.
    expect(await page.locator('[data-account]').innerText()).toBe('once@example.com');
    await page.getByLabel('新しいパスワード（12文字以上）').fill('short');
    await page.getByRole('button', { name: 'パスワードを設定' }).click();
    await expect.poll(() => page.locator('.field-error').innerText()).toContain('12文字以上');
    await page.getByLabel('新しいパスワード（12文字以上）').fill(PASSWORD);
    await page.getByRole('button', { name: 'パスワードを設定' }).click();
    await page.waitForURL(/sign-in\?done=1/);
    // Used: the page says so at once and offers no form.
    await page.goto(link!);
    await expect.poll(() => page.locator('.form-error').innerText()).toContain('すでに使用されています');
    expect(await page.getByLabel('新しいパスワード（12文字以上）').count()).toBe(0);
    await context.close();
  });

  it('stores only an argon2id hash, and the session cookie is HttpOnly and SameSite=Lax', async () => {
    const row = db.prepare("SELECT passwordHash FROM StaffUser WHERE email = 'admin@example.com'").get() as { passwordHash: string };
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    const cookie = (await admin.cookies()).find((c) => c.name === 'tayori_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const stored = db.prepare('SELECT tokenHash FROM StaffSession').all() as { tokenHash: string }[];
    expect(stored.map((s) => s.tokenHash)).not.toContain(cookie.value);
  });

  it('says clearly when the password is wrong, then locks the account after five failures', async () => {
    staffCli(site.databaseUrl, site.url, 'add', 'locked@example.com', '--role', 'editor');
    const context = await browser.newContext();
    const page = await signInPage(context, 'admin@example.com', 'wrong password!!');
    await expect.poll(() => page.locator('.form-error').innerText()).toContain('メールアドレスまたはパスワードが正しくありません');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel(/^パスワード$/).fill(`wrong password ${i}`);
      await page.getByRole('button', { name: 'サインイン' }).click();
      await page.waitForLoadState('networkidle');
    }
    // Even the right password is refused while the account is locked.
    await page.getByLabel(/^パスワード$/).fill(PASSWORD);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await expect.poll(() => page.locator('.form-error').innerText()).toContain('サインインを一時的に制限しています');
    expect(page.url()).toContain('/admin/sign-in');
    await context.close();
  });

  it('an expired session is signed out', async () => {
    const context = await signedInContext(browser, site.databaseUrl, site.url, 'expiring@example.com', 'editor');
    const writable = new Database(site.databaseUrl.replace(/^file:/, ''));
    writable.prepare("UPDATE StaffSession SET expiresAt = ? WHERE userId = (SELECT id FROM StaffUser WHERE email = 'expiring@example.com')").run(new Date(Date.now() - 1000).toISOString());
    writable.close();
    const page = await context.newPage();
    await page.goto(`${site.url}/admin`);
    await page.waitForURL(/\/admin\/sign-in$/);
    await context.close();
  });

  it('signing out ends the session on the server', async () => {
    const context = await signedInContext(browser, site.databaseUrl, site.url, 'leaving@example.com', 'editor');
    const cookie = await sessionCookie(context);
    const page = await context.newPage();
    await page.goto(`${site.url}/admin`);
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.waitForURL(/\/admin\/sign-in$/);
    const res = await fetch(`${site.url}/admin`, { headers: { cookie }, redirect: 'manual' });
    expect([303, 307]).toContain(res.status);
    await context.close();
  });
});

describe('authorization matrix', () => {
  const pages = ['/admin', '/admin/incidents', '/admin/incidents/new', '/admin/maintenance', '/admin/components', '/admin/probes', '/admin/templates', '/admin/alerts', '/admin/mail', '/admin/audit', '/admin/staff', '/admin/api-keys'];
  const adminOnly = new Set(['/admin/mail', '/admin/audit', '/admin/staff', '/admin/api-keys']);

  it('pages: anonymous → sign-in, editor → 403 on admin pages, admin → everything', async () => {
    const editorCookie = await sessionCookie(editor);
    const adminCookie = await sessionCookie(admin);
    for (const p of pages) {
      const anonymous = await fetch(`${site.url}${p}`, { redirect: 'manual' });
      expect([303, 307], `anonymous ${p}`).toContain(anonymous.status);
      const asEditor = await fetch(`${site.url}${p}`, { headers: { cookie: editorCookie }, redirect: 'manual' });
      expect(asEditor.status, `editor ${p}`).toBe(adminOnly.has(p) ? 403 : 200);
      const asAdmin = await fetch(`${site.url}${p}`, { headers: { cookie: adminCookie }, redirect: 'manual' });
      expect(asAdmin.status, `admin ${p}`).toBe(200);
    }
  });

  // Every console server action, posted directly as a script would, without the page.
  function consoleActions() {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, distDir, 'server', 'server-reference-manifest.json'), 'utf8'));
    return Object.entries(manifest.node as Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>)
      .filter(([, a]) => a.filename.startsWith('app/admin/'))
      .map(([id, a]) => ({
        id,
        name: `${a.filename}#${a.exportedName}`,
        file: a.filename,
        exported: a.exportedName,
        // Post to a page that carries the action, as its form would.
        page: Object.keys(a.workers)[0].replace(/^app/, '').replace(/\/page$/, '').replace('[id]', 'none'),
      }));
  }
  const preAuth = new Set(['signInAction', 'setupPasswordAction', 'signOutAction', 'switchLanguageAction']);
  const adminActions = (file: string) => ['staff', 'mail', 'api-keys', 'components'].some((area) => file.startsWith(`app/admin/${area}/`));

  function postAction(a: { id: string; page: string }, headers: Record<string, string>) {
    return fetch(`${site.url}${a.page}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'next-action': a.id, 'content-type': 'text/plain;charset=UTF-8', origin: site.url, ...headers },
      body: '[]',
    });
  }

  it('actions: without a session every mutation answers 401', async () => {
    const actions = consoleActions().filter((a) => !preAuth.has(a.exported));
    expect(actions.length).toBeGreaterThanOrEqual(8);
    for (const a of actions) {
      expect((await postAction(a, {})).status, a.name).toBe(401);
    }
  });

  it('actions: an editor gets 403 from admin-only mutations', async () => {
    const cookie = await sessionCookie(editor);
    for (const a of consoleActions().filter((x) => adminActions(x.file))) {
      expect((await postAction(a, { cookie })).status, a.name).toBe(403);
    }
    for (const a of consoleActions().filter((x) => !adminActions(x.file) && !preAuth.has(x.exported))) {
      expect([401, 403], a.name).not.toContain((await postAction(a, { cookie })).status);
    }
  });

  it('actions: a request from another origin is refused even with a valid session (CSRF)', async () => {
    const cookie = await sessionCookie(admin);
    const before = (db.prepare('SELECT COUNT(*) n FROM AuditLog').get() as { n: number }).n;
    for (const a of consoleActions()) {
      const res = await postAction(a, { cookie, origin: 'http://evil.example' });
      expect(res.status, a.name).toBeGreaterThanOrEqual(400);
    }
    expect((db.prepare('SELECT COUNT(*) n FROM AuditLog').get() as { n: number }).n).toBe(before);
  });

  it('the audit log recorded sign-ins, failures and the lockout', () => {
    const actions = (db.prepare('SELECT action FROM AuditLog').all() as { action: string }[]).map((r) => r.action);
    for (const a of ['staff.invite', 'auth.password_set', 'auth.sign_in', 'auth.sign_in_failed', 'auth.sign_in_locked', 'auth.sign_out']) {
      expect(actions, a).toContain(a);
    }
  });
});
