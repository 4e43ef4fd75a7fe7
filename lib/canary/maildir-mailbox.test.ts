import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMaildirMailbox, headerValue, maildirPath } from './maildir-mailbox';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function maildir(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'canary-maildir-'));
  dirs.push(root);
  return maildirPath(root, 'Canary@Demo.Tayori.Test');
}

function put(dir: string, sub: string, name: string, text: string, mtime: Date): void {
  mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, sub, name), text);
  utimesSync(path.join(dir, sub, name), mtime, mtime);
}

describe('the canary mailbox at the bundled MTA', () => {
  it('finds canaries in INBOX and Junk with their delivery time, removes them, and leaves other mail alone', async () => {
    const dir = maildir();
    expect(dir.endsWith(path.join('demo.tayori.test', 'canary'))).toBe(true);
    const at = new Date('2026-12-06T10:00:07Z');
    put(dir, 'new', '1.a', 'Return-Path: <canary@status.example>\r\nX-Tayori-Canary: tok-1\r\nSubject: x\r\n\r\nbody', at);
    put(dir, 'cur', '2.b:2,S', 'Subject: a customer\r\n\r\nX-Tayori-Canary: not-a-header\r\n', at);
    put(dir, '.Junk/new', '3.c', 'x-tayori-canary:\r\n tok-2\r\n\r\n', at);
    const mailbox = createMaildirMailbox(dir);
    const found = await mailbox.collect();
    expect(found.sort((a, b) => a.token.localeCompare(b.token))).toEqual([
      { token: 'tok-1', arrivedAt: at, junk: false },
      { token: 'tok-2', arrivedAt: at, junk: true },
    ]);
    expect(readdirSync(path.join(dir, 'new'))).toEqual([]);
    expect(readdirSync(path.join(dir, 'cur'))).toEqual(['2.b:2,S']);
    expect(await mailbox.collect()).toEqual([]);
  });

  it('is empty before anything was delivered, and says so when the mailbox cannot be read', async () => {
    const dir = maildir();
    expect(await createMaildirMailbox(dir).collect()).toEqual([]);
    mkdirSync(path.dirname(dir), { recursive: true });
    writeFileSync(dir, 'not a directory');
    await expect(createMaildirMailbox(dir).collect()).rejects.toThrow(/ENOTDIR/);
  });

  it('reads a header the way mail is written: any case, folded, only in the header section', () => {
    expect(headerValue('A: 1\nX-TAYORI-CANARY: t\n\n', 'X-Tayori-Canary')).toBe('t');
    expect(headerValue('A: 1\n\nX-Tayori-Canary: t\n', 'X-Tayori-Canary')).toBeNull();
  });
});
