import 'server-only';
import type { PrismaClient } from './generated/prisma/client';

// The one place for database-specific SQL.

/**
 * SQLite: write-ahead logging lets pages read while ingest writes, and makes each commit one
 * sequential append. The mode is stored in the database file, so it is set once, before the site
 * starts (scripts/import-content.ts), never while requests run. PostgreSQL needs nothing here.
 */
export async function prepareStorage(client: PrismaClient, url: string): Promise<void> {
  if (!url.startsWith('file:')) return;
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
}

/**
 * For a process whose every commit is on a hot path (the notice worker): SQLite in WAL mode with
 * synchronous=NORMAL does not fsync each commit, only at checkpoints. A killed process loses
 * nothing (the WAL is in the OS's page cache); a power failure can undo the last commits, which
 * for the outbox means a copy marked "finishing" may be sent once more. Measured: ~700 → ~940
 * copies/s in bench:notify. Per connection, so it is set by the process that wants it.
 */
export async function relaxCommitSync(client: PrismaClient, url: string): Promise<void> {
  if (!url.startsWith('file:')) return;
  await client.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
}
