import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectorySyncer } from './directory-sync.js';
import { IncomingBody, MEMORY_LIMIT } from './incoming-body.js';
import { DeliveryContent, fileBody, headerBlock, inMemoryBody } from './message-body.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'incoming-'));
const prefix = Buffer.from('Received: from x\r\n');

async function streamed(source: AsyncIterable<unknown>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += (chunk as Buffer).toString('latin1');
  return text;
}

describe('a message being received', () => {
  it('stays in memory while small, with bare LF turned into CRLF across chunk boundaries', async () => {
    const file = path.join(dir(), 'Q1');
    const body = new IncomingBody(file, prefix, 1_000_000, new DirectorySyncer());
    // A CR at the end of one chunk and its LF at the start of the next are one line end.
    for (const chunk of ['Subject: a\r', '\nline\n', '\nend\r\n']) body.write(Buffer.from(chunk));
    const done = await body.finish();
    const expected = Buffer.from('Received: from x\r\nSubject: a\r\nline\r\n\r\nend\r\n');
    expect(done).toEqual({ size: expected.length, data: expected });
    expect(fs.existsSync(file)).toBe(false);
  });

  it('goes to a file of its own, owner-only, once it outgrows the memory limit, and the text is exact', async () => {
    const file = path.join(dir(), 'Q2');
    const body = new IncomingBody(file, prefix, 10 * MEMORY_LIMIT, new DirectorySyncer());
    const line = Buffer.from(`${'x'.repeat(62)}\n`);
    let sent = 0;
    while (sent < 3 * MEMORY_LIMIT) {
      body.write(line);
      sent += line.length;
    }
    const done = await body.finish();
    expect(done).toMatchObject({ file });
    const expected = Buffer.concat([prefix, Buffer.from(`${'x'.repeat(62)}\r\n`.repeat(sent / line.length))]);
    expect(done.size).toBe(expected.length);
    expect(fs.readFileSync(file).equals(expected)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const stored = fileBody(file, done.size);
    expect((await stored.head(18)).toString()).toBe('Received: from x\r\n');
    expect(await streamed(stored.stream(expected.length - 4))).toBe('xx\r\n');
  });

  it('notices NUL bytes and oversize text, and keeps nothing of a discarded message', async () => {
    const nul = new IncomingBody(path.join(dir(), 'Q3'), prefix, 1000, new DirectorySyncer());
    nul.write(Buffer.from('a\0b'));
    expect(nul.hasNul).toBe(true);

    const file = path.join(dir(), 'Q4');
    const big = new IncomingBody(file, prefix, 2 * MEMORY_LIMIT, new DirectorySyncer());
    big.write(Buffer.alloc(MEMORY_LIMIT + 10, 'a'));
    await big.drained();
    big.write(Buffer.alloc(MEMORY_LIMIT, 'a'));
    expect(big.tooBig).toBe(true);
    big.discard();
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('delivery content', () => {
  it('puts new headers in front of a body read from an offset, from memory or from a file', async () => {
    const text = Buffer.from('X-Spam-Flag: YES\r\nSubject: s\r\n\r\nbody text\r\n');
    const block = (await headerBlock(inMemoryBody(text)))!;
    expect(block.headers.toString()).toBe('X-Spam-Flag: YES\r\nSubject: s');
    const content = new DeliveryContent(Buffer.from('X-Spam-Check: done\r\nSubject: s\r\n\r\n'), inMemoryBody(text), block.bodyOffset);
    expect(content.inMemory!.toString()).toBe('X-Spam-Check: done\r\nSubject: s\r\n\r\nbody text\r\n');

    const file = path.join(dir(), 'body');
    fs.writeFileSync(file, text);
    const fromFile = new DeliveryContent(Buffer.from('X-Spam-Check: done\r\nSubject: s\r\n\r\n'), fileBody(file, text.length), block.bodyOffset);
    expect(fromFile.inMemory).toBeUndefined();
    expect(fromFile.size).toBe(content.size);
    expect(await streamed(fromFile.stream())).toBe(content.inMemory!.toString());
    const out = path.join(dir(), 'out');
    const fd = fs.openSync(out, 'w');
    await fromFile.writeTo(fd, Buffer.from('Delivered-To: u@d\r\n'));
    fs.closeSync(fd);
    expect(fs.readFileSync(out, 'utf8')).toBe(`Delivered-To: u@d\r\n${content.inMemory!.toString()}`);
  });
});
