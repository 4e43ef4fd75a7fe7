import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrismaClient, databaseProvider } from './db-client';
import { parseEnv } from './env';

describe('choosing the database from DATABASE_URL', () => {
  it('takes file: URLs as SQLite and postgres(ql):// URLs as PostgreSQL', () => {
    expect(databaseProvider('file:./data/tayori.db')).toBe('sqlite');
    expect(databaseProvider('postgresql://tayori@db.internal:5432/tayori')).toBe('postgresql');
    expect(databaseProvider('postgres://tayori@db.internal/tayori?sslmode=require')).toBe('postgresql');
  });

  it('refuses any other scheme, naming the variable', () => {
    expect(() => databaseProvider('mysql://tayori@db/tayori')).toThrow(/^DATABASE_URL: unsupported scheme "mysql:"/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://tayori@db/tayori' })).toThrow(/DATABASE_URL: must start with "file:" \(SQLite\) or "postgresql:\/\/"/);
    expect(parseEnv({ DATABASE_URL: 'postgresql://tayori@db/tayori' }).DATABASE_URL).toBe('postgresql://tayori@db/tayori');
    expect(parseEnv({}).DATABASE_URL).toBe('file:./data/tayori.db');
  });
});

// The site and the notice worker write to one SQLite file from two processes. A transaction that
// reads and then writes (storing rollups checks for duplicates first) must wait its turn, not fail
// with SQLITE_BUSY and answer the ingest request with a 500.
describe('SQLite transactions shared with another process', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tayori-db-client-'));
    file = path.join(dir, 'shared.db');
    const setup = new Database(file);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);');
    setup.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the write lock from the start, so a write by another connection cannot come in between', async () => {
    const db = createPrismaClient(`file:${file}`);
    const other = new Database(file, { timeout: 0 });
    let otherWrite = '';
    try {
      await db.$transaction(async (tx) => {
        const [{ n }] = await tx.$queryRaw<{ n: bigint }[]>`SELECT n FROM counter WHERE id = 1`;
        try {
          other.prepare('UPDATE counter SET n = n + 100 WHERE id = 1').run();
          otherWrite = 'went in';
        } catch (error) {
          otherWrite = (error as { code?: string }).code ?? String(error);
        }
        await tx.$executeRaw`UPDATE counter SET n = ${Number(n) + 1} WHERE id = 1`;
      });
      expect(otherWrite).toBe('SQLITE_BUSY');
      expect(other.prepare('SELECT n FROM counter').get()).toEqual({ n: 1 });
    } finally {
      other.close();
      await db.$disconnect();
    }
  });

  it('commits every read-then-write transaction while another process writes in a tight loop', async () => {
    // A second process, as the notice worker is: short IMMEDIATE transactions, one after another.
    const writer = spawn(process.execPath, ['-e', `
      const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(file)}, { timeout: 5000 });
      const bump = db.transaction(() => db.prepare('UPDATE counter SET n = n + 1000 WHERE id = 1').run());
      process.stdout.write('ready\\n');
      const end = Date.now() + 3000;
      while (Date.now() < end) bump.immediate();
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    await new Promise<void>((resolve) => writer.stdout!.once('data', () => resolve()));

    const db = createPrismaClient(`file:${file}`);
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        try {
          await db.$transaction(async (tx) => {
            const [{ n }] = await tx.$queryRaw<{ n: bigint }[]>`SELECT n FROM counter WHERE id = 1`;
            await new Promise((r) => setTimeout(r, 1));
            await tx.$executeRaw`UPDATE counter SET n = ${Number(n) + 1} WHERE id = 1`;
          });
          outcomes.push('committed');
        } catch (error) {
          outcomes.push(String(error).slice(0, 120));
        }
      }
    } finally {
      await db.$disconnect();
    }
    expect(await exited).toBe(0);
    expect(outcomes.filter((o) => o !== 'committed')).toEqual([]);
    // Every one of the 40 increments counted: none read a value another write had already replaced.
    const check = new Database(file, { readonly: true });
    const { n } = check.prepare('SELECT n FROM counter').get() as { n: number };
    check.close();
    expect(n % 1000).toBe(40);
  });
});
