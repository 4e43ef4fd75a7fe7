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
