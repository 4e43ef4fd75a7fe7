// Runs the whole suite (unit, integration, e2e) on SQLite and, when TAYORI_TEST_POSTGRES_URL names
// a PostgreSQL server, the integration suite a second time on PostgreSQL (its own build and
// databases, see tests/global-setup.ts). Ends with one line "N passed, N failed" over both runs.
// The browser tests run once: they drive the same pages and actions, and the database work under
// them is what the integration suite covers on both.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const extra = process.argv.slice(2);
const postgres = process.env.TAYORI_TEST_POSTGRES_URL;
const { TAYORI_TEST_POSTGRES_URL: _, ...sqliteEnv } = process.env;

const runs = [{ name: 'sqlite', report: 'test-results/vitest.json', args: extra, env: sqliteEnv }];
if (postgres) {
  runs.push({
    name: 'postgresql',
    report: 'test-results/vitest-postgresql.json',
    // The MTA's own tests keep their state in the MTA's spool, not the site's database: once is enough.
    // --passWithNoTests: a filter given for the first run may match no integration test.
    args: ['--project', 'integration', '--exclude', 'tests/integration/mta/**', '--passWithNoTests', ...extra],
    env: { ...process.env, TAYORI_TEST_ID: `${process.env.TAYORI_TEST_ID ?? ''}-pg` },
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
for (const run of runs) {
  if (runs.length > 1) console.log(`\n── ${run.name} ──`);
  rmSync(run.report, { force: true }); // a stale report must not stand in for a run that crashed
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${run.report}`, ...run.args];
  const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...run.env, NEXT_TELEMETRY_DISABLED: '1' } });
  const counts = summarize(run.report);
  if (runs.length > 1) console.log(`${run.name}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  ok &&= result.status === 0 && counts.failed === 0;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);

function summarize(report) {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    // A file that fails outside its tests (load error, failing beforeAll) has no failed test of its
    // own: count the file as one failure so the summary never reads green.
    const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
    return { passed: json.numPassedTests, failed: json.numFailedTests + brokenFiles, skipped: json.numPendingTests + (json.numTodoTests ?? 0) };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}
