// Applies migrations, seeds the components and imports the authored reports. Used by
// `npm start`, `npm run build` and the tests; safe to run any number of times.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function prepareDatabase(env = process.env) {
  const url = env.DATABASE_URL || 'file:./data/tayori.db';
  if (url.startsWith('file:')) {
    mkdirSync(path.dirname(path.resolve(url.replace(/^file:/, ''))), { recursive: true });
  } else if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('DATABASE_URL: must start with "file:" (SQLite) or "postgresql://" / "postgres://" (PostgreSQL)');
  }
  // prisma.config.ts picks the schema and migrations of the database DATABASE_URL names:
  // prisma/migrations for SQLite, prisma/postgresql/migrations for PostgreSQL.
  run('npx', ['prisma', 'migrate', 'deploy'], env, true);
  const resultFile = path.join(os.tmpdir(), `tayori-import-${process.pid}-${Date.now()}.json`);
  run(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/import-content.ts'], { ...env, TAYORI_IMPORT_RESULT: resultFile }, false);
  const summary = JSON.parse(readFileSync(resultFile, 'utf8'));
  rmSync(resultFile, { force: true });
  return summary;
}

function run(cmd, args, env, quiet) {
  const result = spawnSync(cmd, args, { env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' });
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${result.status})`);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    prepareDatabase();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
