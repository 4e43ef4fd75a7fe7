import 'server-only';
import { databaseProvider, type DatabaseProvider } from './db-client';
import type { PrismaClient } from './generated/prisma/client';
import { env } from './env';

// The one place for database-specific SQL. Everything else is portable between SQLite (the
// embedded default) and PostgreSQL (several site processes and notice workers on one database).

const postgres = () => databaseProvider(env.DATABASE_URL) === 'postgresql';

/**
 * SQLite: write-ahead logging lets pages read while ingest writes, and makes each commit one
 * sequential append. The mode is stored in the database file, so it is set once, before the site
 * starts (scripts/import-content.ts), never while requests run. PostgreSQL needs nothing here.
 */
export async function prepareStorage(client: PrismaClient, url: string): Promise<void> {
  if (databaseProvider(url) !== 'sqlite') return;
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
}

/**
 * For a process whose every commit is on a hot path (the notice worker): SQLite in WAL mode with
 * synchronous=NORMAL does not fsync each commit, only at checkpoints. A killed process loses
 * nothing (the WAL is in the OS's page cache); a power failure can undo the last commits, which
 * for the outbox means a copy marked "finishing" may be sent once more. Measured: ~700 → ~940
 * copies/s in bench:notify. Per connection, so it is set by the process that wants it.
 * PostgreSQL keeps its server-wide durability settings: a pool's connections come and go.
 */
export async function relaxCommitSync(client: PrismaClient, url: string): Promise<void> {
  if (databaseProvider(url) !== 'sqlite') return;
  await client.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
}

/** How DateTime columns are stored in SQLite: as the driver adapter writes them, ISO 8601 with an explicit offset. */
export function sqliteDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

/** Prisma's PostgreSQL DateTime columns are `timestamp(3)` (no zone) holding UTC. */
function postgresTimestamp(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** The kinds of value a portable statement binds (lib/outbox/statements.ts). */
export type SqlValueType = 'text' | 'int' | 'time' | 'ids';

/**
 * How a statement written once for both databases is spelled on one of them: placeholders, a list
 * of ids, the row lock of a claim. Used by the outbox, whose statements run on connections of its
 * own (lib/outbox/sqlite.ts with better-sqlite3, lib/outbox/postgres.ts with pg), not through Prisma.
 */
export interface SqlDialect {
  provider: DatabaseProvider;
  /** The n-th bound value (counted from 1) of a statement. */
  placeholder(n: number, type: SqlValueType): string;
  /** "`column` is one of the ids bound as the n-th value". */
  inIds(column: string, n: number): string;
  /**
   * The column in a condition that must not choose the index: SQLite would otherwise pick the
   * claimToken or status index over the primary key and visit every row of a claim (hundreds)
   * for each handful updated. PostgreSQL's planner needs no such hint.
   */
  unindexed(column: string): string;
  /**
   * Ends the SELECT of a claim's candidates. PostgreSQL: several workers claim at the same moment
   * without waiting for each other or picking the same rows, each takes the next rows nobody else
   * has locked. SQLite: nothing, one writer runs at a time and the claim is one IMMEDIATE transaction.
   */
  claimLock: string;
  /** A value as the driver takes it. */
  bind(value: unknown, type: SqlValueType): unknown;
}

export const SQL_DIALECTS: Record<DatabaseProvider, SqlDialect> = {
  sqlite: {
    provider: 'sqlite',
    placeholder: () => '?',
    inIds: (column) => `${column} IN (SELECT value FROM json_each(?))`,
    unindexed: (column) => `+${column}`,
    claimLock: '',
    bind: (value, type) => (type === 'time' ? sqliteDateTime(value as Date) : type === 'ids' ? JSON.stringify(value) : value),
  },
  postgresql: {
    provider: 'postgresql',
    placeholder: (n, type) => `$${n}${type === 'time' ? '::timestamp' : type === 'int' ? '::int' : ''}`,
    inIds: (column, n) => `${column} = ANY($${n}::text[])`,
    unindexed: (column) => column,
    claimLock: 'FOR UPDATE SKIP LOCKED',
    bind: (value, type) => (type === 'time' ? postgresTimestamp(value as Date) : value),
  },
};

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Serializes the read-modify-write of metric series across site processes, until the
 * transaction ends: PostgreSQL's default isolation (read committed) would otherwise let two
 * processes read the same minute bucket and each write back its own sum, losing the other's.
 * SQLite needs nothing: its writers already run one at a time.
 */
export async function lockMetricSeries(tx: Transaction): Promise<void> {
  if (!postgres()) return;
  // $executeRaw: the function returns `void`, a column type the driver adapter does not read.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('tayori.metric-series'))`;
}
