import { appendFileSync, mkdtempSync, openSync, closeSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFollower, LineSplitter, MAX_LINE_BYTES, readLinesOnce } from './follow';

let dir: string;
let followers: FileFollower[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'postfix-follow-'));
});
afterEach(async () => {
  await Promise.all(followers.map((f) => f.stop()));
  followers = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Polls until `check` holds; generous deadline, no assertion on how long it took. */
async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function follow(file: string, options: { fromEnd?: boolean } = {}) {
  const lines: string[] = [];
  const notices: string[] = [];
  const follower = new FileFollower(file, { pollMs: 20, fromEnd: options.fromEnd, onLine: (l) => lines.push(l), onNotice: (n) => notices.push(n) });
  followers.push(follower);
  follower.start();
  return { follower, lines, notices };
}

const line = (n: number) => `Nov 29 06:32:${String(n % 60).padStart(2, '0')} mx1 postfix/qmgr[1]: ABCDE${String(n).padStart(5, '0')}: removed`;

describe('following a log file', () => {
  it('holds back a partial last line until its newline arrives', async () => {
    const file = path.join(dir, 'mail.log');
    writeFileSync(file, `${line(1)}\n${line(2).slice(0, 20)}`);
    const { follower, lines } = follow(file);
    await eventually(() => follower.offset === statSync(file).size, 'the follower to read the whole file');
    expect(lines).toEqual([line(1)]);

    appendFileSync(file, line(2).slice(20, 40));
    await eventually(() => follower.offset === statSync(file).size, 'the follower to read the next piece');
    expect(lines).toEqual([line(1)]);

    appendFileSync(file, `${line(2).slice(40)}\n${line(3)}\n`);
    await eventually(() => lines.length === 3, 'the completed line');
    expect(lines).toEqual([line(1), line(2), line(3)]);
  });

  it('survives rotation by rename + new file, reading what the writer added to the old file last', async () => {
    const file = path.join(dir, 'mail.log');
    writeFileSync(file, `${line(1)}\n${line(2)}\n`);
    const { lines, notices, follower } = follow(file);
    await eventually(() => lines.length === 2, 'the first two lines');

    // logrotate renames; syslog keeps writing to its open descriptor until it is told to reopen.
    const writer = openSync(file, 'a');
    renameSync(file, `${file}.1`);
    writeSync(writer, `${line(3)}\n`);
    closeSync(writer);
    writeFileSync(file, `${line(4)}\n${line(5)}\n`);

    await eventually(() => lines.length === 5, 'the lines of the old and the new file');
    appendFileSync(file, `${line(6)}\n`);
    await eventually(() => lines.length === 6, 'a line appended to the new file');
    expect(lines).toEqual([1, 2, 3, 4, 5, 6].map(line));
    expect(follower.stats.rotations).toBe(1);
    expect(notices.join('\n')).toMatch(/rotation/);
  });

  it('waits while the file is missing between rename and re-creation', async () => {
    const file = path.join(dir, 'mail.log');
    writeFileSync(file, `${line(1)}\n`);
    const { lines, follower } = follow(file);
    await eventually(() => lines.length === 1, 'the first line');
    renameSync(file, `${file}.1`);
    await follower.poll(); // sees no file: keeps the old one open
    appendFileSync(`${file}.1`, `${line(2)}\n`);
    await eventually(() => lines.length === 2, 'a line written to the renamed file');
    writeFileSync(file, `${line(3)}\n`);
    await eventually(() => lines.length === 3, 'the line of the re-created file');
    expect(lines).toEqual([1, 2, 3].map(line));
  });

  it('starts again from the top when the file is truncated (copytruncate)', async () => {
    const file = path.join(dir, 'mail.log');
    writeFileSync(file, [1, 2, 3, 4].map((n) => `${line(n)}\n`).join(''));
    const { lines, follower } = follow(file);
    await eventually(() => lines.length === 4, 'the first four lines');

    truncateSync(file, 0);
    await eventually(() => follower.offset === 0, 'the follower to notice the truncation');
    appendFileSync(file, `${line(5)}\n`);
    await eventually(() => lines.length === 5, 'the line written after truncation');
    appendFileSync(file, `${line(6)}\n`);
    await eventually(() => lines.length === 6, 'the next line');
    expect(lines).toEqual([1, 2, 3, 4, 5, 6].map(line));
    expect(follower.stats.truncations).toBe(1);
  });

  it('waits for a file that does not exist yet, and can start at its end', async () => {
    const file = path.join(dir, 'later.log');
    const { lines, notices } = follow(file);
    await eventually(() => notices.some((n) => n.includes('does not exist')), 'the missing-file notice');
    writeFileSync(file, `${line(1)}\n`);
    await eventually(() => lines.length === 1, 'the line of the new file');

    const other = path.join(dir, 'busy.log');
    writeFileSync(other, `${line(2)}\n`);
    const tail = follow(other, { fromEnd: true });
    await eventually(() => tail.follower.offset === statSync(other).size, 'the follower to open at the end');
    appendFileSync(other, `${line(3)}\n`);
    await eventually(() => tail.lines.length === 1, 'the appended line');
    expect(tail.lines).toEqual([line(3)]);
  });
});

describe('splitting lines', () => {
  it('keeps multi-byte characters split across reads intact, and drops the CR of CRLF only in the parser', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('メール受信\nabc\r\n');
    for (let i = 0; i < bytes.length; i++) splitter.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(['メール受信', 'abc\r']);
  });

  it('cuts an endless line at a bound instead of growing without limit', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    for (let i = 0; i < 100; i++) splitter.push(Buffer.alloc(10_000, 0x41));
    splitter.push(Buffer.from('\nnext\n'));
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE_BYTES + 1, 4]);
  });

  it('reads a file once, its last line even without a newline', async () => {
    const file = path.join(dir, 'once.log');
    writeFileSync(file, `${line(1)}\n${line(2)}`);
    const lines: string[] = [];
    await readLinesOnce(file, (l) => void lines.push(l));
    expect(lines).toEqual([line(1), line(2)]);
  });
});
