import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// A default install signs what it sends: the fan-out's copies and the confirmation mails leave
// with a DKIM signature made with the key generated under DATA_DIR, and mailauth (an independent
// verifier) finds it valid against the DNS record `npm run dkim` prints.

const received: { to: string; raw: string }[] = [];
let server: SMTPServer;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-dkim-'));
const log = vi.spyOn(console, 'log').mockImplementation(() => {});

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo[0]!.address, raw: Buffer.concat(chunks).toString('latin1') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Nothing DKIM_* is set: what a new install runs with. lib/env.ts reads these on first import.
  Object.assign(process.env, {
    SMTP_URL: `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`,
    DATA_DIR: dataDir,
    SITE_URL: 'https://status.example.jp',
  });
  for (const name of ['DKIM_ENABLED', 'DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY', 'DKIM_PRIVATE_KEY_FILE', 'NOTICE_FROM_ADDRESS']) delete process.env[name];
});

afterAll(async () => {
  log.mockRestore();
  // The pooled confirmation transport keeps its connection open; the server waits for it otherwise.
  (await import('./transport')).sharedTransport().close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The DNS a receiver would ask, serving the record published for the generated key. */
async function publishedRecord() {
  const { dkimTxtValue } = await import('./dkim-key');
  const value = dkimTxtValue(fs.readFileSync(path.join(dataDir, 'dkim', 'tayori.private.pem'), 'utf8'));
  const lookups: string[] = [];
  const resolver = async (name: string, type: string) => {
    lookups.push(`${name} ${type}`);
    if (name === 'tayori._domainkey.status.example.jp' && type === 'TXT') return [[value]];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  return { resolver, lookups };
}

async function verify(raw: string) {
  const { resolver } = await publishedRecord();
  const { results } = await dkimVerify(raw, { resolver });
  return results;
}

async function receivedBy(to: string) {
  for (let i = 0; i < 100 && !received.some((m) => m.to === to); i++) await new Promise((r) => setTimeout(r, 20));
  const mail = received.find((m) => m.to === to);
  if (!mail) throw new Error(`nothing reached ${to}`);
  return mail.raw;
}

describe('DKIM on a default install', () => {
  it("signs a notice copy with a key generated in DATA_DIR, and the copy verifies against the key's record", async () => {
    const { createNoticeSender } = await import('./transport');
    const { buildCopy, prepareMime } = await import('../mime/message');
    const sender = createNoticeSender(1);
    const file = path.join(dataDir, 'dkim', 'tayori.private.pem');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // The log names the file, never the key.
    const logged = log.mock.calls.flat().join('\n');
    expect(logged).toContain(file);
    expect(logged).toContain('tayori._domainkey.status.example.jp');
    expect(logged).not.toMatch(/PRIVATE KEY|MII/);

    const prepared = prepareMime({
      fromName: 'Tayori ステータス',
      fromAddress: 'status@status.example.jp',
      replyTo: 'status@status.example.jp',
      subject: '【障害発生】メール受信の遅延',
      headers: { 'List-Id': '<notices.status.example.jp>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Feedback-ID': 'incident_opened:n1:tayori' },
    });
    const raw = buildCopy(prepared, {
      to: 'alice@example.net',
      messageId: '<n1.s1@status.example.jp>',
      date: new Date(),
      headers: { 'List-Unsubscribe': '<https://status.example.jp/api/unsubscribe?token=s1.1.x>' },
      text: 'メール受信に遅延が発生しております。\r\n'.repeat(30),
      html: '<p>メール受信に遅延が発生しております。</p>',
    });
    await sender.send({ from: 'status@status.example.jp', to: ['alice@example.net'] }, raw);
    sender.close();

    const signed = await receivedBy('alice@example.net');
    const [result] = await verify(signed);
    expect(result?.status.result, result?.status.comment).toBe('pass');
    expect(result?.signingDomain).toBe('status.example.jp');
    expect(result?.selector).toBe('tayori');
    // Aligned with the From domain (what DMARC asks), and the headers a provider acts on are covered.
    expect(result?.status.aligned).toBe('status.example.jp');
    const signedHeaders = /^DKIM-Signature:[^]*?\bh=([^;]+);/m.exec(signed)![1]!.replace(/\s+/g, '').toLowerCase().split(':');
    expect(signedHeaders).toEqual(expect.arrayContaining(['from', 'subject', 'date', 'message-id', 'to', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'feedback-id']));

    // The verifier is not a rubber stamp: one changed byte of the body fails it.
    const tampered = signed.replace('Content-Transfer-Encoding: base64\r\n\r\n4', 'Content-Transfer-Encoding: base64\r\n\r\n5');
    expect(tampered).not.toBe(signed);
    const [broken] = await verify(tampered);
    expect(broken?.status.result).not.toBe('pass');
    expect(broken?.status.comment).toMatch(/body hash/);
  });

  it('signs a confirmation mail (nodemailer) with the same key', async () => {
    const { sharedTransport } = await import('./transport');
    const { composeDirectMail } = await import('../mime/direct-mail');
    const { confirmationMail } = await import('../subscribers/confirmation-mail');
    const keyBefore = fs.readFileSync(path.join(dataDir, 'dkim', 'tayori.private.pem'), 'utf8');
    await sharedTransport().sendMail(composeDirectMail(confirmationMail('ja', 'token-1'), 'ja', 'bob@example.net'));
    const [result] = await verify(await receivedBy('bob@example.net'));
    expect(result?.status.result, result?.status.comment).toBe('pass');
    expect(result?.signingDomain).toBe('status.example.jp');
    expect(result?.status.aligned).toBe('status.example.jp');
    // One key for every sender in the process: nothing new was generated.
    expect(fs.readFileSync(path.join(dataDir, 'dkim', 'tayori.private.pem'), 'utf8')).toBe(keyBefore);
    expect(fs.readdirSync(path.join(dataDir, 'dkim'))).toEqual(['tayori.private.pem']);
  });
});
