import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedSqlite, type MigratedDatabase } from '../tests/support/migrated-database';
import { createPrismaClient } from './db-client';
import { sqliteDateTime } from './db-dialect';

// Code that writes SQLite rows without Prisma (the outbox, the benchmarks) must store times the
// way Prisma's driver adapter does, or comparisons between the two would go wrong.
describe('SQLite times', () => {
  let database: MigratedDatabase;
  beforeAll(() => void (database = migratedSqlite('db-dialect')));
  afterAll(() => database?.drop());

  it('are stored by the driver adapter exactly as sqliteDateTime writes them, and read back as the same instant', async () => {
    const db = createPrismaClient(database.url);
    const raw = new Database(database.url.slice('file:'.length));
    try {
      const at = new Date('2026-12-06T01:02:03.456Z');
      await db.notice.create({ data: { id: 'n1', kind: 'incident_opened', dedupeKey: 'n1', subjectJa: '', subjectEn: '', textJa: '', textEn: '', htmlJa: '', htmlEn: '', createdAt: at } });
      expect(raw.prepare('SELECT "createdAt" FROM "Notice" WHERE "id" = ?').pluck().get('n1')).toBe(sqliteDateTime(at));

      raw.prepare('UPDATE "Notice" SET "createdAt" = ? WHERE "id" = ?').run(sqliteDateTime(new Date('2026-12-06T10:20:30.000Z')), 'n1');
      expect((await db.notice.findUniqueOrThrow({ where: { id: 'n1' } })).createdAt.toISOString()).toBe('2026-12-06T10:20:30.000Z');
    } finally {
      raw.close();
      await db.$disconnect();
    }
  });
});
