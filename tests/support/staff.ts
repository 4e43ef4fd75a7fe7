import { spawnSync } from 'node:child_process';
import type { Browser, BrowserContext } from 'playwright-core';
import { ROOT } from './site';

/** Runs `npm run staff -- …` against a test database and returns what it printed. */
export function staffCli(databaseUrl: string, siteUrl: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/staff.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, SITE_URL: siteUrl },
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, link: /(https?:\/\/\S+\/admin\/setup-password\?token=\S+)/.exec(result.stdout)?.[1] };
}

export const PASSWORD = 'correct horse battery staple';

/** Creates an account, sets its password through the link and signs in: a browser context with a session. */
export async function signedInContext(browser: Browser, databaseUrl: string, siteUrl: string, email: string, role: 'admin' | 'editor'): Promise<BrowserContext> {
  const { link, output } = staffCli(databaseUrl, siteUrl, "add", email, "--role", role);
  if (!link) throw new Error(`no set-up link for ${email}: ${output}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel(/新しいパスワード|New password/).fill(PASSWORD);
  await page.getByRole('button', { name: /パスワードを設定|Set password/ }).click();
  await page.waitForURL(/\/admin\/sign-in\?done=1$/);
  await page.getByLabel(/メールアドレス|Email address/).fill(email);
  await page.getByLabel(/^パスワード$|^Password$/).fill(PASSWORD);
  await page.getByRole('button', { name: /サインイン|Sign in/ }).click();
  await page.waitForURL(/\/admin$/);
  await page.close();
  return context;
}

export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'tayori_session');
  if (!cookie) throw new Error('no session cookie');
  return `tayori_session=${cookie.value}`;
}
