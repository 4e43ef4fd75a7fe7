// npm run simulate -- spam-flood [--quick] [--quiet-flood] [--chart <file>] [--<scenario option> <number> …]
// npm run simulate -- chaos [--quick] [--subscribers <n>] [--mta-down <s>]
//
// spam-flood: the 2014 incident replayed twice on this machine — once with the 2014 setup
// (FIFO queue, no recipient verification, no blocklist, scan always on) and once with Tayori's
// defaults — each with its own site, notice worker and MTA; prints the side-by-side table, a
// RESULT line, and writes a chart of legitimate-mail delay (docs/replay-2014.svg by default).
// chaos: SIGKILLs the MTA, the site, then both during a flood; prints a pass/fail summary.
// Both prepare their own database and production build (.next-sim); nothing of `npm start`'s
// data is touched. Needs only what `npm install` installed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChaos } from './simulate/chaos';
import { delayChartSvg, resultLine, table } from './simulate/report';
import { DEFAULT_SCENARIO, QUICK_SCENARIO, QUIET_FLOOD, withOverrides } from './simulate/scenario';
import { runFloodArm } from './simulate/spam-flood';
import { ROOT } from './simulate/stack';

const [command = 'spam-flood', ...rest] = process.argv.slice(2);
const quick = rest.includes('--quick');
// Thousands of senders that each send little, to mailboxes that exist: nothing is refused or blocked.
const quietFlood = rest.includes('--quiet-flood');
const keep = rest.includes('--keep');
const option = (name: string) => {
  const i = rest.indexOf(name);
  if (i < 0) return undefined;
  const value = rest[i + 1];
  rest.splice(i, 2);
  return value;
};
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** A migrated, seeded template database and a production build made from it. */
async function prepare(workRoot: string) {
  const templateDb = path.join(workRoot, 'template.db');
  const env = { ...process.env, DATABASE_URL: `file:${templateDb}`, DATA_DIR: path.join(workRoot, 'template-data'), NEXT_DIST_DIR: '.next-sim', NEXT_TELEMETRY_DISABLED: '1' };
  const { prepareDatabase } = (await import(path.join(ROOT, 'scripts/prepare-db.mjs'))) as { prepareDatabase: (e: NodeJS.ProcessEnv) => unknown };
  prepareDatabase(env);
  process.env.NEXT_DIST_DIR = '.next-sim';
  const stamp = (await import(path.join(ROOT, 'scripts/lib/build-stamp.mjs'))) as { buildIsCurrent: () => boolean; recordBuild: () => void };
  if (!stamp.buildIsCurrent()) {
    log('building the site for the simulation (.next-sim)');
    const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], { cwd: ROOT, env, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('next build failed');
    stamp.recordBuild();
  }
  return { templateDb, distDir: '.next-sim' };
}

async function main() {
  if (!['spam-flood', 'chaos'].includes(command)) throw new Error(`unknown scenario "${command}": use spam-flood or chaos`);
  const workRoot = mkdtempSync(path.join(os.tmpdir(), `tayori-simulate-${command}-`));
  let ok = true;
  try {
    const base = await prepare(workRoot);
    if (command === 'spam-flood') {
      const chart = option('--chart') ?? (quick ? path.join(workRoot, 'replay.svg') : path.join(ROOT, 'docs/replay-2014.svg'));
      const overrides = rest.filter((a) => !['--quick', '--keep', '--quiet-flood'].includes(a));
      const scenario = withOverrides({ ...(quick ? QUICK_SCENARIO : DEFAULT_SCENARIO), ...(quietFlood ? QUIET_FLOOD : {}) }, overrides);
      log(`scenario: ${JSON.stringify(scenario)}`);
      const legacy = await runFloodArm({ setup: 'legacy', scenario, workDir: path.join(workRoot, 'legacy'), ...base, log });
      const tayori = await runFloodArm({ setup: 'tayori', scenario, workDir: path.join(workRoot, 'tayori'), ...base, log });
      // The spread-out flood's legitimate p95 is read beside the default flood's: one more Tayori arm.
      const defaultScenario = quietFlood ? withOverrides(quick ? QUICK_SCENARIO : DEFAULT_SCENARIO, overrides) : undefined;
      const defaultFlood = defaultScenario ? await runFloodArm({ setup: 'tayori', scenario: defaultScenario, workDir: path.join(workRoot, 'tayori-default-flood'), ...base, log }) : undefined;
      mkdirSync(path.dirname(chart), { recursive: true });
      writeFileSync(chart, delayChartSvg(scenario, legacy, tayori));
      writeFileSync(path.join(workRoot, 'result.json'), JSON.stringify({ scenario, legacy, tayori }, null, 2));
      console.log(`\nThe 2014 incident, replayed (scenario time = real time; chart: ${path.relative(process.cwd(), chart)})\n`);
      console.log(table(scenario, legacy, tayori));
      if (defaultFlood && defaultScenario) {
        const p95 = (a: typeof tayori) => (a.legit.delay.p95 === null ? '—' : `${a.legit.delay.p95.toFixed(1)} s`);
        console.log(
          `\nLegitimate mail with Tayori, p95: default flood (${defaultScenario.spamSenders} senders) ${p95(defaultFlood)}, spread-out flood (${scenario.spamSenders} senders) ${p95(tayori)}` +
            `; spam let into inboxes unscanned from unknown senders: ${tayori.spam.unscannedInbox} (default flood: ${defaultFlood.spam.unscannedInbox}). Bar: p95 ≤ 60 s, none unscanned.`,
        );
      }
      const quietKeys = defaultFlood ? ` flood=quiet default_flood_tayori_p95_s=${defaultFlood.legit.delay.p95?.toFixed(1) ?? '—'}` : '';
      console.log(`\n${resultLine(legacy, tayori)}${quietKeys}`);
    } else {
      const subscribers = Number(option('--subscribers') ?? (quick ? 500 : 1500));
      const mtaDownS = Number(option('--mta-down') ?? 45);
      const scenario = withOverrides({ ...(quick ? QUICK_SCENARIO : DEFAULT_SCENARIO), spamRate: quick ? 40 : 45, floodS: 0 }, rest.filter((a) => a !== '--quick' && a !== '--keep'));
      const result = await runChaos({ scenario, subscribers, mtaDownS, workDir: path.join(workRoot, 'chaos'), ...base, log });
      console.log('\nChaos run (SIGKILL during a flood)\n');
      for (const e of result.events) console.log(`  ${e}`);
      console.log('');
      for (const c of result.checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(40)} ${c.detail}`);
      console.log(`\nRESULT simulate:chaos passed=${result.checks.filter((c) => c.ok).length} failed=${result.checks.filter((c) => !c.ok).length} seconds=${result.realSeconds.toFixed(0)}`);
      ok = result.passed;
    }
  } finally {
    if (keep) log(`work directory kept: ${workRoot}`);
    else rmSync(workRoot, { recursive: true, force: true });
  }
  return ok;
}

// Exiting runs the stacks' exit hooks, which stop every process the run started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: Error) => {
    console.error(`simulate: ${error.message}`);
    process.exit(1);
  },
);
