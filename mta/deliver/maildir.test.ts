import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MaildirStore } from './maildir.js';

describe('Maildir delivery', () => {
  it('creates the Maildir, writes through tmp/ into new/, and never delivers the same name twice', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'maildir-'));
    const store = new MaildirStore(root, 'mx.example');
    const name = store.fileName('0ABCDEF', 0, 1_700_000_000_123);
    expect(name).toBe('1700000000.0ABCDEF_0.mx.example');
    expect(await store.deliver('demo.tayori.test', 'user1', 'INBOX', name, Buffer.from('Subject: one\r\n\r\nx\r\n'))).toBe('delivered');
    expect(await store.deliver('demo.tayori.test', 'user1', 'INBOX', name, Buffer.from('Subject: one\r\n\r\nx\r\n'))).toBe('duplicate');
    const box = path.join(root, 'demo.tayori.test', 'user1');
    expect(fs.readdirSync(path.join(box, 'new'))).toEqual([name]);
    expect(fs.readdirSync(path.join(box, 'tmp'))).toEqual([]);
    expect(fs.existsSync(path.join(box, 'cur'))).toBe(true);
  });

  it('counts a message the user already read (moved to cur/) as delivered, and cleans a leftover tmp copy', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'maildir-'));
    const store = new MaildirStore(root, 'mx.example');
    const name = store.fileName('0READ', 0, 0);
    await store.deliver('d.test', 'u', 'INBOX', name, Buffer.from('x'));
    const box = path.join(root, 'd.test', 'u');
    fs.renameSync(path.join(box, 'new', name), path.join(box, 'cur', `${name}:2,S`));
    fs.writeFileSync(path.join(box, 'tmp', name), 'partial');
    expect(await store.deliver('d.test', 'u', 'INBOX', name, Buffer.from('x'))).toBe('duplicate');
    expect(fs.readdirSync(path.join(box, 'new'))).toEqual([]);
    expect(fs.readdirSync(path.join(box, 'tmp'))).toEqual([]);
  });

  it('puts junk into the .Junk Maildir++ folder', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'maildir-'));
    const store = new MaildirStore(root, 'mx.example');
    await store.deliver('d.test', 'u', 'Junk', 'n1', Buffer.from('spam'));
    expect(fs.readFileSync(path.join(root, 'd.test', 'u', '.Junk', 'new', 'n1'), 'utf8')).toBe('spam');
  });
});
