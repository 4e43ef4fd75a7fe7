import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readOrCreateToken, restrictToOwner, tokensEqual } from './tokens.js';

const run = promisify(execFile);

describe('shared token files', () => {
  it('creates a 32-byte hex token with mode 0600 and reads the same one back', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'token-')), 'ingest-token');
    const first = readOrCreateToken(file);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readOrCreateToken(file)).toEqual({ token: first.token, created: false });
  });

  it('processes starting at the same moment agree on one token', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'token-')), 'ingest-token');
    const script = `import { readOrCreateToken } from ${JSON.stringify(path.resolve(import.meta.dirname, 'tokens.ts'))}; console.log(readOrCreateToken(${JSON.stringify(file)}).token);`;
    const outputs = await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script])));
    const tokens = new Set(outputs.map((o) => o.stdout.trim()));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toBe(fs.readFileSync(file, 'utf8').trim());
    expect(fs.readdirSync(path.dirname(file))).toEqual(['ingest-token']);
  }, 60_000);

  it('makes a token file others can read owner-only again', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'token-')), 'admin-token');
    expect(restrictToOwner(file)).toBe(false);
    readOrCreateToken(file);
    expect(restrictToOwner(file)).toBe(false);
    fs.chmodSync(file, 0o644);
    expect(restrictToOwner(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('compares tokens without leaking length or content through timing', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
  });
});
