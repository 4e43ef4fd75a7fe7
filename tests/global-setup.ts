// Builds the site once for the integration and browser tests, against a fresh test database,
// into its own build directory (.next-test) so a developer's build is never touched.
//
// The database is SQLite (a file under test-results/) unless TAYORI_TEST_POSTGRES_URL names a
// PostgreSQL server (e.g. postgresql://postgres@127.0.0.1:5432/postgres): then the tests get a
// database of their own on it, `npm test` runs the integration suite a second time that way.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { copyName, createDatabase, databaseName, databaseUrl, dropDatabases } from './support/postgres-admin.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    siteDatabaseUrl: string;
    /** PostgreSQL only: the server. */
    postgresServerUrl: string;
    /** The untouched copy of the prepared database that isolatedSite() clones: a database on PostgreSQL, a file on SQLite. */
    siteDatabaseTemplate: string;
    siteDataDir: string;
    nextDistDir: string;
    ingestToken: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');
const state = globalThis as unknown as { tayoriSitePrepared?: boolean; tayoriTeardown?: boolean };

export default async function setup(project: TestProject) {
  // TAYORI_TEST_ID keeps parallel runs on one machine apart (their own database and build).
  const id = process.env.TAYORI_TEST_ID ? `-${process.env.TAYORI_TEST_ID.replace(/[^\w-]/g, '')}` : '';
  const dataDir = path.join(ROOT, 'test-results', `site-data${id}`);
  const distDir = `.next-test${id}`;
  const ingestToken = 'test-ingest-token-0123456789abcdef';
  const postgresServer = process.env.TAYORI_TEST_POSTGRES_URL ?? '';
  if (postgresServer && !/^postgres(ql)?:\/\//.test(postgresServer)) {
    throw new Error('TAYORI_TEST_POSTGRES_URL: must be a postgresql:// URL of a server the tests may create databases on');
  }
  const database = databaseName('tayori_test', id);
  const template = copyName(database, 'template');
  const databaseUrlForSite = postgresServer ? databaseUrl(postgresServer, database) : `file:${path.join(dataDir, 'tayori-test.db')}`;

  // Both projects (integration, e2e) call this; the first one does the work.
  if (!state.tayoriSitePrepared) {
    rmSync(dataDir, { recursive: true, force: true });
    // A previous run's data cache would be served as if it came from this database.
    rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    if (postgresServer) {
      await dropDatabases(postgresServer, database);
      await createDatabase(postgresServer, database);
    }
    const env = { ...process.env, DATABASE_URL: databaseUrlForSite, DATA_DIR: dataDir, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', INGEST_TOKEN: ingestToken };
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, env, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building the site for the tests failed');
    // PostgreSQL copies a database only while nobody is connected to it; the sites started by
    // the tests connect to the first one, so isolated sites are cloned from this copy instead.
    if (postgresServer) await createDatabase(postgresServer, template, database);
    // On SQLite too: test files that share the site's database write to it, and a copy made later
    // must not carry their rows (a chart test would find measurements it never made).
    else copyFileSync(path.join(dataDir, 'tayori-test.db'), path.join(dataDir, 'tayori-test.template.db'));
    state.tayoriSitePrepared = true;
  }

  project.provide('siteDatabaseUrl', databaseUrlForSite);
  project.provide('postgresServerUrl', postgresServer);
  project.provide('siteDatabaseTemplate', postgresServer ? template : path.join(dataDir, 'tayori-test.template.db'));
  project.provide('siteDataDir', dataDir);
  project.provide('nextDistDir', distDir);
  project.provide('ingestToken', ingestToken);

  return async () => {
    if (!postgresServer || state.tayoriTeardown) return;
    state.tayoriTeardown = true;
    await dropDatabases(postgresServer, database);
  };
}
