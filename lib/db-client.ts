import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
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
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}
