// A fresh database with the real schema, for unit tests that need tables but not the site: the
// migrations the site applies (prisma/migrations for SQLite, prisma/postgresql/migrations for
// PostgreSQL), run in order. SQLite is a file in a temporary directory; PostgreSQL a database of
// its own on the server TAYORI_TEST_POSTGRES_URL names, dropped afterwards.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createDatabase, databaseName, databaseUrl, dropDatabases } from './postgres-admin.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface MigratedDatabase {
  url: string;
  drop: () => Promise<void>;
}

function migrations(folder: string): string[] {
  const dir = path.join(ROOT, folder);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => readFileSync(path.join(dir, name, 'migration.sql'), 'utf8'));
}

export function migratedSqlite(name: string): MigratedDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), `tayori-${name}-`));
  const file = path.join(dir, 'test.db');
  const connection = new Database(file);
  // As the site runs it (scripts/import-content.ts).
  connection.pragma('journal_mode = WAL');
  for (const sql of migrations('prisma/migrations')) connection.exec(sql);
  connection.close();
  return { url: `file:${file}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export async function migratedPostgres(serverUrl: string, name: string): Promise<MigratedDatabase> {
  const database = databaseName('tayori_unit', name, process.pid);
  await dropDatabases(serverUrl, database);
  await createDatabase(serverUrl, database);
  const url = databaseUrl(serverUrl, database);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of migrations('prisma/postgresql/migrations')) await client.query(sql);
  } finally {
    await client.end();
  }
  return { url, drop: async () => void (await dropDatabases(serverUrl, database)) };
}
