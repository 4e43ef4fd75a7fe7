// Runs the whole suite (unit, integration, e2e) on SQLite and, when TAYORI_TEST_POSTGRES_URL names
// a PostgreSQL server, the integration suite a second time on PostgreSQL (its own build and
// databases, see tests/global-setup.ts). Ends with one line "N passed, N failed" over both runs.
// The browser tests run once: they drive the same pages and actions, and the database work under
// them is what the integration suite covers on both.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { relative as relativePath } from 'node:path';

mkdirSync('test-results', { recursive: true });
const extra = process.argv.slice(2);
const postgres = process.env.TAYORI_TEST_POSTGRES_URL;
const { TAYORI_TEST_POSTGRES_URL: _, ...sqliteEnv } = process.env;

const runs = [{ name: 'sqlite', report: 'test-results/vitest.json', args: extra, env: sqliteEnv }];
if (postgres) {
  runs.push({
    name: 'postgresql',
    report: 'test-results/vitest-postgresql.json',
    // The MTA's own tests keep their state in the MTA's spool, not the site's database, and the canary's
    // IMAP reader needs no database at all: once is enough.
    // --passWithNoTests: a filter given for the first run may match no integration test.
    args: ['--project', 'integration', '--exclude', 'tests/integration/mta/**', '--exclude', 'tests/integration/canary-imap.test.ts', '--passWithNoTests', ...extra],
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
  for (const line of counts.failures) console.log(`${run.name} FAILED: ${line}`);
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
    const broken = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
    // Named again at the end, so a log cut to its last lines still says what failed and why.
    const failures = json.testResults.flatMap((f) => [
      ...f.assertionResults.filter((a) => a.status === 'failed').map((a) => `${relative(f.name)} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`),
      ...(broken.includes(f) ? [`${relative(f.name)}: ${firstLine(f.message)}`] : []),
    ]);
    return { passed: json.numPassedTests, failed: json.numFailedTests + broken.length, skipped: json.numPendingTests + (json.numTodoTests ?? 0), failures };
  } catch {
    return { passed: 0, failed: 1, skipped: 0, failures: [`${report}: no report (the run crashed)`] };
  }
}

function relative(file) {
  return relativePath(process.cwd(), file);
}

function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
}
