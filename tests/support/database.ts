// Opens a test database the way the site does (lib/db-client.ts), SQLite or PostgreSQL alike, so
// a test reads and writes rows the same way on both.
import { createPrismaClient } from '../../lib/db-client';

export type TestDatabase = ReturnType<typeof createPrismaClient>;

export function openDatabase(url: string): TestDatabase {
  return createPrismaClient(url);
}

/** Runs `change` on the database at `url` and closes it. */
export async function withDatabase<T>(url: string, change: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = openDatabase(url);
  try {
    return await change(db);
  } finally {
    await db.$disconnect();
  }
}
