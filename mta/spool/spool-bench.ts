// Measures the two durable-spool designs on this disk, so the choice in docs/mta.md rests on numbers:
//   files:  write + fsync + rename + fsync(dir) per message (Postfix's way), 20 in flight
//   sqlite: WAL journal, synchronous=FULL, one transaction per message
//   sqlite-group: the same, but messages that arrive together share one commit
//   sqlite-async: synchronous=OFF, group commit, then an asynchronous fsync of the WAL file that
//                 commits made meanwhile share (what spool.ts does: the event loop never waits)
// Each line also says how long the main thread spent inside synchronous commits (time in which
// no SMTP session can be served).
// Run: npx tsx mta/spool/spool-bench.ts [messages]
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const count = Number(process.argv[2] ?? 2000);
const body = Buffer.alloc(2048, 'x');
const root = fs.mkdtempSync(path.join(process.env.MTA_BENCH_DIR ?? os.tmpdir(), 'spool-bench-'));

async function filesDesign(): Promise<number> {
  const dir = path.join(root, 'files');
  fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'queue'), { recursive: true });
  const started = performance.now();
  let next = 0;
  async function worker() {
    while (next < count) {
      const id = next++;
      const tmp = path.join(dir, 'tmp', String(id));
      const handle = await fsp.open(tmp, 'wx');
      await handle.write(body);
      await handle.sync();
      await handle.close();
      await fsp.rename(tmp, path.join(dir, 'queue', String(id)));
      const dirHandle = await fsp.open(path.join(dir, 'queue'), 'r');
      await dirHandle.sync();
      await dirHandle.close();
    }
  }
  await Promise.all(Array.from({ length: 20 }, worker));
  return count / ((performance.now() - started) / 1000);
}

function openDb(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE m (id INTEGER PRIMARY KEY, body BLOB)');
  return db;
}

function sqliteDesign(): number {
  const db = openDb(path.join(root, 'single.db'));
  const insert = db.prepare('INSERT INTO m (body) VALUES (?)');
  const started = performance.now();
  for (let i = 0; i < count; i++) timed(() => insert.run(body));
  db.close();
  return count / ((performance.now() - started) / 1000);
}

async function sqliteGroupDesign(): Promise<number> {
  const db = openDb(path.join(root, 'group.db'));
  const insert = db.prepare('INSERT INTO m (body) VALUES (?)');
  const commit = db.transaction((n: number) => { for (let i = 0; i < n; i++) insert.run(body); });
  const started = performance.now();
  // 20 sessions each waiting for its commit; whatever is pending when the writer runs shares one fsync.
  let done = 0;
  let pending: Array<() => void> = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    timed(() => commit(batch.length));
    for (const resolve of batch) resolve();
  };
  async function session() {
    while (done < count) {
      done++;
      await new Promise<void>((resolve) => {
        pending.push(resolve);
        if (!scheduled) { scheduled = true; setImmediate(flush); }
      });
    }
  }
  await Promise.all(Array.from({ length: 20 }, session));
  db.close();
  return count / ((performance.now() - started) / 1000);
}

async function sqliteAsyncFsyncDesign(): Promise<number> {
  const file = path.join(root, 'async.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec('CREATE TABLE m (id INTEGER PRIMARY KEY, body BLOB)');
  const insert = db.prepare('INSERT INTO m (body) VALUES (?)');
  const commit = db.transaction((n: number) => { for (let i = 0; i < n; i++) insert.run(body); });
  let walFd: number | undefined;
  let pending: Array<() => void> = [];
  let awaiting: Array<() => void> = [];
  let scheduled = false;
  let syncing = false;
  const sync = () => {
    if (syncing || awaiting.length === 0) return;
    syncing = true;
    const batch = awaiting;
    awaiting = [];
    walFd ??= fs.openSync(`${file}-wal`, 'r');
    fs.fsync(walFd, () => {
      syncing = false;
      for (const resolve of batch) resolve();
      sync();
    });
  };
  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    timed(() => commit(batch.length));
    awaiting.push(...batch);
    sync();
  };
  const started = performance.now();
  let done = 0;
  async function session() {
    while (done < count) {
      done++;
      await new Promise<void>((resolve) => {
        pending.push(resolve);
        if (!scheduled) { scheduled = true; setImmediate(flush); }
      });
    }
  }
  await Promise.all(Array.from({ length: 20 }, session));
  if (walFd !== undefined) fs.closeSync(walFd);
  db.close();
  return count / ((performance.now() - started) / 1000);
}

/** Time spent in synchronous commits on the main thread, per design. */
let blockedMs = 0;
function timed<T>(fn: () => T): T {
  const t = performance.now();
  try {
    return fn();
  } finally {
    blockedMs += performance.now() - t;
  }
}

async function measure(run: () => number | Promise<number>): Promise<{ rate: number; blockedMs: number }> {
  blockedMs = 0;
  const rate = await run();
  return { rate, blockedMs: Math.round(blockedMs) };
}

const files = await measure(filesDesign);
const single = await measure(sqliteDesign);
const group = await measure(sqliteGroupDesign);
const asyncFsync = await measure(sqliteAsyncFsyncDesign);
fs.rmSync(root, { recursive: true, force: true });
const line = (name: string, m: { rate: number; blockedMs: number }) => console.log(`${name}: ${m.rate.toFixed(0)} msg/s, main thread blocked in commits ${m.blockedMs} ms`);
line('files, write+fsync+rename+fsync(dir), 20 in flight', files);
line('sqlite WAL synchronous=FULL, one commit per message', single);
line('sqlite WAL synchronous=FULL, group commit', group);
line('sqlite WAL, group commit + async WAL fsync (spool.ts)', asyncFsync);
console.log(`RESULT bench:spool messages=${count} files_msgs_per_s=${files.rate.toFixed(0)} sqlite_msgs_per_s=${single.rate.toFixed(0)} sqlite_group_msgs_per_s=${group.rate.toFixed(0)} sqlite_async_fsync_msgs_per_s=${asyncFsync.rate.toFixed(0)}`);
