// Builds the site once for the integration and browser tests, against a fresh test database,
// into its own build directory (.next-test) so a developer's build is never touched.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    siteDatabaseUrl: string;
    siteDataDir: string;
    nextDistDir: string;
    ingestToken: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, '..');
const state = globalThis as unknown as { tayoriSitePrepared?: boolean };

export default async function setup(project: TestProject) {
  // TAYORI_TEST_ID keeps parallel runs on one machine apart (their own database and build).
  const id = process.env.TAYORI_TEST_ID ? `-${process.env.TAYORI_TEST_ID.replace(/[^\w-]/g, '')}` : '';
  const dataDir = path.join(ROOT, 'test-results', `site-data${id}`);
  const databaseUrl = `file:${path.join(dataDir, 'tayori-test.db')}`;
  const distDir = `.next-test${id}`;
  const ingestToken = 'test-ingest-token-0123456789abcdef';

  // Both projects (integration, e2e) call this; the first one does the work.
  if (!state.tayoriSitePrepared) {
    rmSync(dataDir, { recursive: true, force: true });
    // A previous run's data cache would be served as if it came from this database.
    rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const env = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1', INGEST_TOKEN: ingestToken };
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, env, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building the site for the tests failed');
    state.tayoriSitePrepared = true;
  }

  project.provide('siteDatabaseUrl', databaseUrl);
  project.provide('siteDataDir', dataDir);
  project.provide('nextDistDir', distDir);
  project.provide('ingestToken', ingestToken);
}
