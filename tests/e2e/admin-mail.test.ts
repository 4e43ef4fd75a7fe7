import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { signedInContext } from '../support/staff';
import { formatDateTime, isoInZone } from '../../lib/dates/format';
import nodemailer from 'nodemailer';
import { inject } from 'vitest';
import { makeRollup } from '../support/rollups';
import { openSession, readMailbox, startMta, waitFor, type MtaProcess } from '../integration/mta/helpers';

// The 2014 operators' defences, from the console, against the real bundled MTA.
let mta: MtaProcess;
let site: RunningSite;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Only 127.0.0.1 is trusted, so other loopback addresses can be blocked automatically.
  mta = await startMta({ env: { MTA_TRUSTED_NETWORKS: '127.0.0.1/32' } });
  site = await startSite({ ...isolatedSite('admin-mail'), MTA_ADMIN_URL: `http://127.0.0.1:${mta.httpPort}`, MTA_ADMIN_TOKEN: mta.adminToken });
  browser = await launchChromium();
  const context = await signedInContext(browser, site.databaseUrl, site.url, 'ops@example.com', 'admin');
  page = await context.newPage();
  await page.goto(`${site.url}/admin/mail`);
});
afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await mta?.stop();
});

describe('mail-system controls', () => {
  it('shows the queue as the MTA reports it', async () => {
    expect(await page.locator('[data-queue-depth]').getAttribute('data-queue-depth')).toBe('0');
  });

  it('blocks a flooding network with a reason, and removes it again', async () => {
    await page.locator('#block-value').fill('198.51.100.0/24');
    await page.locator('#block-reason').fill('spam flood');
    await page.getByRole('button', { name: 'ブロックする' }).click();
    await expect.poll(async () => (await mta.api('GET', '/api/blocklist')).json.entries.length).toBe(1);
    const [entry] = (await mta.api('GET', '/api/blocklist')).json.entries;
    expect(entry).toMatchObject({ kind: 'client', value: '198.51.100.0/24', reason: 'spam flood', created_by: 'ops@example.com' });
    await page.reload();
    expect(await page.locator('table').last().innerText()).toContain('198.51.100.0/24');
    await page.getByRole('button', { name: '解除' }).click();
    await expect.poll(async () => (await mta.api('GET', '/api/blocklist')).json.entries.length).toBe(0);
  });

  it('shows an automatic block as such, with the time it lapses, and removes it like a manual one', async () => {
    // A dictionary attack: more than 10 refused recipients in a minute.
    const { smtp } = await openSession(mta.smtpPort, 'guess.example', '127.0.0.5');
    await smtp.command('MAIL FROM:<guess@guess.example>');
    for (let i = 1; i <= 11; i++) await smtp.command(`RCPT TO:<guess${i}@demo.tayori.test>`);
    smtp.close();
    const [entry] = (await mta.api('GET', '/api/blocklist')).json.entries;
    expect(entry).toMatchObject({ value: '127.0.0.5', created_by: 'auto' });
    await page.reload();
    const row = page.locator('tr[data-automatic="true"]');
    expect(await row.innerText()).toContain('127.0.0.5');
    expect(await row.innerText()).toContain('自動');
    const expires = new Date(entry.expires_at);
    expect(await row.locator('time').getAttribute('datetime')).toBe(isoInZone(expires, 'Asia/Tokyo'));
    expect(await row.locator('time').innerText()).toBe(formatDateTime(expires, 'ja', 'Asia/Tokyo'));
    await row.getByRole('button', { name: '解除' }).click();
    await expect.poll(async () => (await mta.api('GET', '/api/blocklist')).json.entries.length).toBe(0);
  });

  it('refuses to switch the spam check without a reason', async () => {
    await page.reload();
    await page.getByLabel('停止（バイパス）').check();
    await page.getByRole('button', { name: '切り替える' }).click();
    await expect.poll(() => page.locator('.form-error').first().innerText()).toContain('理由');
    expect((await mta.api('GET', '/api/scan-policy')).json.policy).toBe('enabled');
  });

  it('switches the spam check off and tells customers on the status page, as in 2014', async () => {
    await page.getByLabel('停止（バイパス）').check();
    await page.locator('#policy-reason').fill('メール遅延の解消を優先');
    await page.getByRole('button', { name: '切り替える' }).click();
    await expect.poll(async () => (await mta.api('GET', '/api/scan-policy')).json.policy).toBe('bypass');
    const deadline = Date.now() + 75_000;
    let html = '';
    while (Date.now() < deadline && !html.includes('SPAMチェックの一時停止')) {
      html = await (await fetch(`${site.url}/`)).text();
      if (!html.includes('SPAMチェックの一時停止')) await new Promise((r) => setTimeout(r, 500));
    }
    expect(html).toContain('SPAMチェックの一時停止');
    expect(html).toContain('メール遅延の解消を優先');
  });

  it('flushes deferred mail on request', async () => {
    await page.reload();
    await page.getByRole('button', { name: '保留中のメールを今すぐ再送' }).click();
    await expect.poll(() => page.locator('.form-ok').first().innerText()).toContain('完了');
  });

  it('shows why each measured component has its status, with the destinations mail waits for', async () => {
    // What an MTA reports while one remote domain cannot be reached: outbound mail waits for it alone.
    const start = new Date(Math.floor(Date.now() / 10_000) * 10_000 - 20_000);
    const outbound = {
      ...makeRollup('mx-console', start, []),
      flow: 'outbound',
      queue_depth: 2,
      oldest_age_s: 4000,
      waiting_histogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0],
      destination_histogram: [6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
      top_destinations: [{ domain: 'unreachable.example', waiting: 2, oldest_age_s: 4000, last_error: 'connect to mx.unreachable.example[192.0.2.9]:25: Connection timed out' }],
    };
    const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${inject('ingestToken')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups: [outbound] }),
    });
    expect(res.status).toBe(200);
    await page.reload();
    for (const slug of ['mail-inbound', 'mail-outbound', 'spam-check']) expect(await page.locator(`[data-evidence="${slug}"]`).count(), slug).toBe(1);
    const evidence = page.locator('[data-evidence="mail-outbound"]');
    expect(await evidence.innerText()).toContain('1つの宛先だけの滞留（相手側の問題）では変わりません');
    const row = evidence.locator('[data-destination="unreachable.example"]');
    expect(await row.innerText()).toContain('Connection timed out');
    expect(await evidence.locator('[data-source="mx-console"]').count()).toBe(1);
    // One destination of seven waiting: メール送信 stays operational.
    expect(await evidence.locator('[data-rule-status]').getAttribute('data-rule-status')).toBe('operational');
  });

  it('returns a deferred message to its sender with a reason, after a confirmation', async () => {
    await nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true }).sendMail({
      from: 'info@demo.tayori.test',
      to: 'someone@nowhere.invalid',
      subject: 'Invoice',
      text: 'x',
      messageId: '<console-return@demo.tayori.test>',
    });
    const deferred = await waitFor('the deferral', async () => (await mta.api('GET', '/api/queue')).json.messages.find((m: { state: string }) => m.state === 'deferred'));
    await page.reload();
    const row = page.locator(`tr[data-queue-id="${deferred.id}"]`);
    expect(await row.innerText()).toContain('someone@nowhere.invalid');
    await row.getByLabel('返送の理由（送信者に伝わります）').fill('宛先ドメインが存在しません');
    // Without the confirmation nothing happens.
    await row.getByRole('button', { name: '送信者に返送' }).click();
    await expect.poll(() => row.locator('.form-error').innerText()).toContain('確認');
    expect((await mta.api('GET', '/api/queue')).json.depth).toBe(1);
    // What was typed is kept.
    expect(await row.getByLabel('返送の理由（送信者に伝わります）').inputValue()).toBe('宛先ドメインが存在しません');
    await row.getByLabel('このメールを返送・削除します（元に戻せません）').check();
    await row.getByRole('button', { name: '送信者に返送' }).click();
    await expect.poll(async () => (await mta.api('GET', '/api/queue')).json.depth).toBe(0);
    const dsn = await waitFor('the DSN', () => readMailbox(mta.dataDir, 'info@demo.tayori.test').find((m) => m.includes('console-return@demo.tayori.test')));
    expect(dsn).toContain('Undelivered Mail Returned to Sender');
    // The action writes its audit entry once the MTA has answered, which may be after the DSN is in the mailbox.
    const audited = () => {
      const db = new Database(site.databaseUrl.replace(/^file:/, ''), { readonly: true });
      try {
        return db.prepare("SELECT targetId, details FROM AuditLog WHERE action = 'mail.bounce'").all() as { targetId: string; details: string }[];
      } finally {
        db.close();
      }
    };
    await expect.poll(audited, { timeout: 10_000 }).toEqual([{ targetId: deferred.id, details: JSON.stringify({ reason: '宛先ドメインが存在しません' }) }]);
  });

  it('left a trace of every change in the audit log', () => {
    const db = new Database(site.databaseUrl.replace(/^file:/, ''), { readonly: true });
    const actions = (db.prepare("SELECT action FROM AuditLog WHERE actorEmail = 'ops@example.com'").all() as { action: string }[]).map((r) => r.action);
    db.close();
    for (const a of ['mail.block', 'mail.unblock', 'mail.scan_policy', 'mail.flush', 'incident.publish']) expect(actions, a).toContain(a);
  });
});
