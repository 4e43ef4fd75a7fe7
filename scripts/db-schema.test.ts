import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA, postgresSchema, SQLITE_SCHEMA } from './db-schema.mjs';

const sqlite = readFileSync(SQLITE_SCHEMA, 'utf8');
const postgres = readFileSync(POSTGRES_SCHEMA, 'utf8');

/** model → its scalar and relation fields, from a schema's text. */
function models(schema: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [, name, body] of schema.matchAll(/^model\s+(\w+)\s*\{([^}]*)\}/gm)) {
    out[name!] = body!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\w/.test(l))
      .map((l) => l.split(/\s+/).slice(0, 2).join(' '));
  }
  return out;
}

/** Every CREATE TABLE and ADD COLUMN in a migration history, as "Model field". */
function migrated(dir: string): Set<string> {
  const columns = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const sql = readFileSync(path.join(dir, entry.name, 'migration.sql'), 'utf8');
    for (const [, table, body] of sql.matchAll(/CREATE TABLE "(?:new_)?(\w+)" \(([\s\S]*?)\n\);/g)) {
      for (const [, column] of body!.matchAll(/^\s+"(\w+)"/gm)) columns.add(`${table} ${column}`);
    }
    // Prisma adds several columns to one table in one statement: `ADD COLUMN "a" …,\nADD COLUMN "b" …;`
    for (const [, table, body] of sql.matchAll(/ALTER TABLE "(\w+)" ([^;]*);/g)) {
      for (const [, column] of body!.matchAll(/ADD COLUMN\s+"(\w+)"/g)) columns.add(`${table} ${column}`);
    }
  }
  return columns;
}

/** The columns a schema's models need: scalar fields (relation fields have no column). */
function columns(schema: string): string[] {
  const scalars = new Set(['String', 'Int', 'Float', 'Boolean', 'DateTime', 'BigInt', 'Decimal', 'Json', 'Bytes']);
  return Object.entries(models(schema)).flatMap(([model, fields]) =>
    fields.map((f) => f.split(' ')).filter(([, type]) => scalars.has(type!.replace(/[?[\]]/g, ''))).map(([name]) => `${model} ${name}`),
  );
}

describe('the PostgreSQL schema', () => {
  it('is prisma/schema.prisma with the PostgreSQL datasource (npm run db:schema writes it)', () => {
    expect(postgres, 'prisma/postgresql/schema.prisma is out of date: run `npm run db:schema -- --migration <name>`').toBe(postgresSchema(sqlite));
  });

  it('has the same models and fields as the SQLite schema', () => {
    expect(models(postgres)).toEqual(models(sqlite));
    expect(Object.keys(models(sqlite)).length).toBeGreaterThan(20);
  });

  it('differs only in its datasource and generator', () => {
    expect(postgres).toMatch(/provider\s*=\s*"postgresql"/);
    expect(postgres).toContain('output       = "../../lib/generated/prisma-postgresql"');
    expect(() => postgresSchema(sqlite.replace('String   @default("{}")', 'String   @default("{}") @db.Text'))).toThrow(/@db\.Text is provider-specific/);
  });

  it.each([
    ['SQLite', path.join(path.dirname(SQLITE_SCHEMA), 'migrations'), sqlite],
    ['PostgreSQL', POSTGRES_MIGRATIONS, postgres],
  ])('has a %s migration for every column', (_name, dir, schema) => {
    const have = migrated(dir);
    expect(columns(schema).length).toBeGreaterThan(200);
    expect(columns(schema).filter((c) => !have.has(c))).toEqual([]);
  });
});
