import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dkimKey, dkimPublicKey, dkimTxtValue, generatedKeyFile } from './dkim-key';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-dkim-key-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const settings = (dataDir: string) => ({ enabled: true, domain: 'status.example.jp', selector: 'tayori', dataDir });
const quiet = () => {};

/** Runs dkimKey() in its own process, all of them released at the same instant. */
function keyFromProcess(dataDir: string, startAt: number): Promise<{ publicKey: string; created: boolean }> {
  const module = path.resolve(import.meta.dirname, 'dkim-key.ts');
  const code = `
    const { dkimKey, dkimPublicKey } = await import(${JSON.stringify(module)});
    while (Date.now() < ${startAt}) {}
    const key = dkimKey({ enabled: true, domain: 'status.example.jp', selector: 'tayori', dataDir: ${JSON.stringify(dataDir)} }, () => {});
    process.stdout.write(JSON.stringify({ publicKey: dkimPublicKey(key.privateKey), created: key.created }));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}`)))));
}

describe('the generated DKIM key', () => {
  it('is created once when the site and the worker start together: every process signs with the same key', async () => {
    const dataDir = tempDir();
    const startAt = Date.now() + 4000;
    const results = await Promise.all([1, 2, 3, 4].map(() => keyFromProcess(dataDir, startAt)));
    const file = generatedKeyFile(dataDir, 'tayori');
    expect(new Set(results.map((r) => r.publicKey))).toEqual(new Set([dkimPublicKey(fs.readFileSync(file, 'utf8'))]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    // Owner-only, and no temporary file left behind by the losers.
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['tayori.private.pem']);
  }, 60_000);

  it('is an RSA 2048 key, kept across restarts, one per selector', () => {
    const dataDir = tempDir();
    const first = dkimKey(settings(dataDir), quiet)!;
    expect(first.created).toBe(true);
    expect(first.file).toBe(path.join(dataDir, 'dkim', 'tayori.private.pem'));
    const again = dkimKey(settings(dataDir), quiet)!;
    expect(again.created).toBe(false);
    expect(again.privateKey).toBe(first.privateKey);
    // 2048-bit SPKI is 294 bytes of DER.
    expect(Buffer.from(dkimPublicKey(first.privateKey), 'base64')).toHaveLength(294);
    // A new selector (a key rotation) gets a key of its own; the old one stays for the old record.
    const rotated = dkimKey({ ...settings(dataDir), selector: 'tayori2027' }, quiet)!;
    expect(rotated.privateKey).not.toBe(first.privateKey);
    expect(fs.readdirSync(path.join(dataDir, 'dkim')).sort()).toEqual(['tayori.private.pem', 'tayori2027.private.pem']);
  });

  it('is not generated when a key is configured, or when signing is off', () => {
    const dataDir = tempDir();
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = path.join(tempDir(), 'operator.pem');
    fs.writeFileSync(keyFile, pem);
    expect(dkimKey({ ...settings(dataDir), privateKey: pem }, quiet)).toMatchObject({ privateKey: pem, file: null, created: false });
    expect(dkimKey({ ...settings(dataDir), privateKeyFile: keyFile }, quiet)).toMatchObject({ privateKey: pem, file: keyFile, created: false });
    expect(dkimKey({ ...settings(dataDir), enabled: false }, quiet)).toBeNull();
    expect(fs.existsSync(path.join(dataDir, 'dkim'))).toBe(false);
  });

  it('publishes its public half as a DKIM1 TXT value', () => {
    const { privateKey } = dkimKey(settings(tempDir()), quiet)!;
    expect(dkimTxtValue(privateKey)).toMatch(/^v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA[A-Za-z0-9+/]+={0,2}$/);
  });
});
