import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type Database from 'better-sqlite3';
import { PrismaClient } from './generated/prisma/client';
import { PrismaClient as PostgresPrismaClient } from './generated/prisma-postgresql/client';

// Chooses the Prisma client and its driver adapter from DATABASE_URL. Kept free of 'server-only'
// so that scripts and tests open databases the way the site does; application code goes through
// lib/db.ts.

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** "file:…" is SQLite, "postgres://…" or "postgresql://…" PostgreSQL; anything else is refused. */
export function databaseProvider(url: string): DatabaseProvider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(`DATABASE_URL: unsupported scheme "${url.split(':')[0]}:": use "file:" (SQLite) or "postgresql://" (PostgreSQL)`);
}

/**
 * A client for the database at `url`. Both generated clients (lib/generated/prisma for SQLite,
 * lib/generated/prisma-postgresql for PostgreSQL) come from the same models, so their model types
 * are the same; the SQLite one types both. Typing with SQLite's also keeps PostgreSQL-only query
 * options (`mode: 'insensitive'`, `skipDuplicates`) out of the code, which must run on both.
 */
export function createPrismaClient(url: string): PrismaClient {
  if (databaseProvider(url) === 'postgresql') {
    return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
  }
  return new PrismaClient({ adapter: new ImmediateTransactions(new PrismaBetterSQLite3({ url })) });
}

/**
 * SQLite transactions that wait for the write lock instead of failing. The adapter opens Prisma's
 * transactions with a plain BEGIN, which takes the write lock only at the first write. A
 * transaction that reads first then fails at once with SQLITE_BUSY, without waiting out the busy
 * timeout, whenever another process (the notice worker, a second site) has written since or is
 * writing: SQLite cannot upgrade a stale read. BEGIN IMMEDIATE takes the lock up front, where the
 * busy timeout applies. Within one process the adapter already runs transactions one at a time.
 */
class ImmediateTransactions implements Pick<PrismaBetterSQLite3, 'provider' | 'adapterName' | 'connect' | 'connectToShadowDb'> {
  readonly provider = 'sqlite';
  readonly adapterName: string;

  constructor(private readonly inner: PrismaBetterSQLite3) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return beginImmediately(await this.inner.connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return beginImmediately(await this.inner.connectToShadowDb());
  }
}

type SqlDriverAdapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;

function beginImmediately(adapter: SqlDriverAdapter): SqlDriverAdapter {
  // The adapter keeps its better-sqlite3 connection as `client` and starts each transaction with
  // client.prepare("BEGIN"); lib/db-client.test.ts fails if a new adapter version changes that.
  const client = (adapter as unknown as { client?: Database.Database }).client;
  if (typeof client?.prepare !== 'function') throw new Error('the SQLite driver adapter no longer exposes its connection');
  const prepare = client.prepare.bind(client);
  client.prepare = ((sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql)) as typeof client.prepare;
  return adapter;
}
