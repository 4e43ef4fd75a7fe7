import 'server-only';
import { databaseProvider } from './db-client';
import { Prisma, type PrismaClient } from './generated/prisma/client';
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

export interface OutboxClaim {
  table: 'NoticeDelivery' | 'WebhookDelivery';
  claimToken: string;
  now: Date;
  /** A "sending" row claimed before this has lost its lease (its worker died). */
  staleBefore: Date;
  limit: number;
}

/**
 * PostgreSQL: claims up to `limit` due rows of an outbox in one statement. SKIP LOCKED lets
 * several workers claim at the same moment without waiting for each other or picking the same
 * rows: each takes the next rows nobody else has locked. Returns null on SQLite, where the
 * caller's portable claim (candidates, then an UPDATE that re-checks them) is already exclusive
 * because one writer runs at a time.
 */
export function skipLockedClaim(c: OutboxClaim): Prisma.Sql | null {
  if (!postgres()) return null;
  const table = Prisma.raw(`"${c.table}"`);
  return Prisma.sql`
    UPDATE ${table} SET "status" = 'sending', "claimToken" = ${c.claimToken}, "claimedAt" = ${c.now}, "attempts" = "attempts" + 1
    WHERE "id" IN (
      SELECT "id" FROM ${table}
      WHERE ("status" = 'pending' AND "nextAttemptAt" <= ${c.now}) OR ("status" = 'sending' AND "claimedAt" < ${c.staleBefore})
      ORDER BY "nextAttemptAt"
      LIMIT ${c.limit}
      FOR UPDATE SKIP LOCKED
    )`;
}

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
