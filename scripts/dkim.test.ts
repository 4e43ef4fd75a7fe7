import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run dkim` as an operator runs it on a new install: it creates the key, prints the record
// that makes receivers accept the signatures, and never shows the private key.

const ROOT = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-dkim-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function runDkim(extra: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/dkim.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, SITE_URL: 'https://status.example.jp', ...extra } as unknown as NodeJS.ProcessEnv,
  });
  expect(result.status, result.stderr).toBe(0);
  return result;
}

// Each run starts Node with tsx (seconds on a busy machine).
describe('npm run dkim', { timeout: 120_000 }, () => {
  it('creates the key and prints its DKIM record, which verifies a signed notice; SPF and DMARC alongside', async () => {
    const first = runDkim();
    const keyFile = path.join(dataDir, 'dkim', 'tayori.private.pem');
    const privateKey = fs.readFileSync(keyFile, 'utf8');
    const line = /^tayori\._domainkey\.status\.example\.jp IN TXT "(v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*)"$/m.exec(first.stdout);
    expect(line, first.stdout).not.toBeNull();
    const value = line![1]!;

    // The BIND form: the same value in strings of at most 255 bytes.
    const bind = /^tayori\._domainkey\.status\.example\.jp\. IN TXT \(((?:\s*"[^"]*")+) \)$/m.exec(first.stdout);
    expect(bind, first.stdout).not.toBeNull();
    const strings = [...bind![1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(strings.length).toBeGreaterThan(1);
    expect(strings.every((s) => Buffer.byteLength(s) <= 255)).toBe(true);
    expect(strings.join('')).toBe(value);

    expect(first.stdout).toMatch(/^status\.example\.jp IN TXT "v=spf1 .+ -all"$/m);
    expect(first.stdout).toMatch(/^_dmarc\.status\.example\.jp IN TXT "v=DMARC1; p=none; rua=mailto:[^"]+"$/m);

    // Neither output shows the key; the log names its file.
    const keyBody = privateKey.split('\n')[1]!;
    for (const text of [first.stdout, first.stderr]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(keyBody);
    }
    expect(first.stderr).toContain(keyFile);

    // A message signed with that key passes mailauth against exactly the printed record.
    const signer = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim: { domainName: 'status.example.jp', keySelector: 'tayori', privateKey } });
    const signed = (await signer.sendMail({ from: 'status@status.example.jp', to: 'alice@example.net', subject: '【復旧】メール受信の遅延', text: '復旧しました。' })).message as Buffer;
    const { results } = await dkimVerify(signed, { resolver: async (name: string) => (name === 'tayori._domainkey.status.example.jp' ? [strings] : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))) });
    expect(results[0]?.status.result, results[0]?.status.comment).toBe('pass');

    // Run again: the same key, nothing generated.
    const second = runDkim();
    expect(second.stdout).toContain(value);
    expect(second.stderr).not.toContain('generated');
  });

  it('uses DKIM_SELECTOR and DKIM_DOMAIN, and says so when signing is off', () => {
    const custom = runDkim({ DKIM_SELECTOR: 'tayori2027', DKIM_DOMAIN: 'example.jp' });
    expect(custom.stdout).toMatch(/^tayori2027\._domainkey\.example\.jp IN TXT "v=DKIM1; k=rsa; p=/m);
    expect(fs.existsSync(path.join(dataDir, 'dkim', 'tayori2027.private.pem'))).toBe(true);
    const off = runDkim({ DKIM_ENABLED: 'false', DKIM_SELECTOR: 'unused' });
    expect(off.stdout).toContain('DKIM_ENABLED=false');
    expect(off.stdout).not.toContain('IN TXT');
    expect(fs.existsSync(path.join(dataDir, 'dkim', 'unused.private.pem'))).toBe(false);
  });
});
