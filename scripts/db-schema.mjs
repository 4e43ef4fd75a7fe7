// `npm run db:schema`: writes prisma/postgresql/schema.prisma from prisma/schema.prisma.
//
// Prisma pins one provider per schema and per migration history, so each database has its own
// schema and migrations (prisma/ for SQLite, prisma/postgresql/ for PostgreSQL). The models are
// written once, in prisma/schema.prisma; this script derives the PostgreSQL schema from it, and a
// unit test (scripts/db-schema.test.ts) fails when the checked-in copy differs from its output.
//
//   npm run db:schema                       rewrite prisma/postgresql/schema.prisma
//   npm run db:schema -- --migration <name> …and write the PostgreSQL migration from the previous
//                                           checked-in schema to the new one
//   npm run db:schema -- --check            exit 1 when the checked-in schema is out of date
//
// Migrations are diffed between schema files (`prisma migrate diff --from-schema-datamodel`),
// which needs no database: the previous PostgreSQL schema is the checked-in file itself.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
export const SQLITE_SCHEMA = path.join(ROOT, 'prisma', 'schema.prisma');
export const POSTGRES_SCHEMA = path.join(ROOT, 'prisma', 'postgresql', 'schema.prisma');
export const POSTGRES_MIGRATIONS = path.join(ROOT, 'prisma', 'postgresql', 'migrations');

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:schema\`: edit that file, then run it.
// Same models for PostgreSQL; only the datasource and the generator's output differ.
`;

const GENERATOR = `generator client {
  provider     = "prisma-client"
  output       = "../../lib/generated/prisma-postgresql"
  engineType   = "client"
  moduleFormat = "esm"
}`;

// The literal URL is only there so that \`prisma generate\` stays offline; the runtime URL comes
// from DATABASE_URL (lib/env.ts, prisma.config.ts).
const DATASOURCE = `datasource db {
  provider = "postgresql"
  url      = "postgresql://localhost:5432/tayori"
}`;

/** The PostgreSQL schema for the given SQLite schema text. */
export function postgresSchema(sqlite) {
  const blocks = [...sqlite.matchAll(/^(generator|datasource)\s+\w+\s*\{[^}]*\}/gm)];
  if (blocks.filter((b) => b[1] === 'generator').length !== 1 || blocks.filter((b) => b[1] === 'datasource').length !== 1) {
    throw new Error('prisma/schema.prisma: expected exactly one generator and one datasource block');
  }
  // Native types (@db.…) name one database's column types: a model that needs one must say what
  // it becomes on the other database, which this script does not guess.
  const native = /@db\.\w+/.exec(sqlite);
  if (native) throw new Error(`prisma/schema.prisma: ${native[0]} is provider-specific; map it in scripts/db-schema.mjs`);

  let body = sqlite;
  // The SQLite file's own header comment (everything before the first block) is replaced by ours.
  body = body.slice(Math.min(...blocks.map((b) => b.index)));
  body = body.replace(/^generator\s+\w+\s*\{[^}]*\}/m, GENERATOR).replace(/^datasource\s+\w+\s*\{[^}]*\}/m, DATASOURCE);
  return HEADER + '\n' + body;
}

function run(args) {
  // Diffing two schema files needs no database; the default (SQLite) configuration loads offline.
  const env = { ...process.env, DATABASE_URL: 'file::memory:' };
  const result = spawnSync('npx', ['prisma', ...args], { cwd: ROOT, encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`prisma ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function timestamp(d = new Date()) {
  return d.toISOString().replace(/\D/g, '').slice(0, 14);
}

function main(argv) {
  const wanted = postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8'));
  let current = '';
  try {
    current = readFileSync(POSTGRES_SCHEMA, 'utf8');
  } catch {
    // first run
  }
  if (argv.includes('--check')) {
    if (current === wanted) return 0;
    console.error('prisma/postgresql/schema.prisma is out of date: run `npm run db:schema -- --migration <name>`');
    return 1;
  }

  const i = argv.indexOf('--migration');
  const name = i === -1 ? null : argv[i + 1];
  if (i !== -1 && !/^[a-z0-9_]+$/.test(name ?? '')) throw new Error('--migration needs a name of lower-case letters, digits and "_"');

  if (name) {
    // The previous schema (or nothing) → the new one, as PostgreSQL DDL.
    const previous = path.join(os.tmpdir(), `tayori-previous-${process.pid}.prisma`);
    const next = path.join(os.tmpdir(), `tayori-next-${process.pid}.prisma`);
    writeFileSync(next, wanted);
    const from = current ? (writeFileSync(previous, current), ['--from-schema-datamodel', previous]) : ['--from-empty'];
    const sql = run(['migrate', 'diff', ...from, '--to-schema-datamodel', next, '--script']);
    if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
      console.log('db:schema: the PostgreSQL schema has not changed; no migration written');
    } else {
      const dir = path.join(POSTGRES_MIGRATIONS, `${timestamp()}_${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'migration.sql'), sql);
      console.log(`db:schema: wrote ${path.relative(ROOT, dir)}/migration.sql`);
    }
    writeFileSync(path.join(POSTGRES_MIGRATIONS, 'migration_lock.toml'), '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n');
  }

  if (current !== wanted) {
    // Once the new schema is written, the previous one is gone: the migration must come with it.
    if (current && !name) throw new Error('prisma/schema.prisma changed: run `npm run db:schema -- --migration <name>` to write the PostgreSQL migration with it');
    mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
    writeFileSync(POSTGRES_SCHEMA, wanted);
    console.log('db:schema: wrote prisma/postgresql/schema.prisma');
  } else {
    console.log('db:schema: prisma/postgresql/schema.prisma is up to date');
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (error) {
    console.error(`db:schema: ${error.message}`);
    process.exit(1);
  }
}
