// npm run bench:mta — Postfix's smtp-source (20 sessions, 5,000 messages of 2 KB) against the
// Tayori MTA (built-in scanner on, Maildir delivery) and, in the same run, against a private
// Postfix instance that accepts into its own queue and discards (default_transport = discard).
// msg/s = messages accepted with 250 after DATA / wall time of the smtp-source run.
// The two runs alternate, BENCH_ROUNDS (2) times each, and each side's best round counts.
// Needs root (Postfix's master runs as root) and the Debian package postfix
// (scripts/ci/install-mail-tools.sh).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portOpen, waitFor } from '../lib/wait.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const SIZE = Number(process.env.BENCH_MESSAGE_BYTES ?? 2048);
const WARMUP = 300;

function tool(name) {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install the mail tools with scripts/ci/install-mail-tools.sh`);
}

/** Runs smtp-source and returns its wall time in seconds. */
function smtpSource(port, count, recipient) {
  const started = process.hrtime.bigint();
  const result = spawnSync(tool('smtp-source'), ['-s', String(SESSIONS), '-m', String(count), '-l', String(SIZE), '-f', 'bench@example.org', '-t', recipient, `127.0.0.1:${port}`], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`smtp-source failed (${result.status}): ${result.stderr}`);
  const warnings = result.stderr.split('\n').filter(Boolean);
  return { seconds, warnings };
}

// ---------------------------------------------------------------- the Tayori MTA
async function startMta() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-mta-'));
  const smtpPort = await freePort();
  const httpPort = await freePort();
  const log = fs.openSync(path.join(dataDir, 'mta.log'), 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'mta/main.ts'], {
    cwd: ROOT,
    // smtp-source's 20 sessions from 127.0.0.1 are a trusted relay, as 127.0.0.0/8 is in the Postfix
    // baseline's mynetworks: no per-client limits, no greeting delay (no network is trusted by default).
    env: { ...process.env, MTA_DATA_DIR: dataDir, SMTP_PORT: String(smtpPort), MTA_HTTP_PORT: String(httpPort), MTA_ADMIN_TOKEN: 'bench-admin-token-0123456789', MTA_ROLLUP_PUSH: 'off', MTA_SCAN_POLICY: 'enabled', MTA_SCANNER: 'builtin', MTA_TRUSTED_NETWORKS: '127.0.0.1/32' },
    stdio: ['ignore', log, log],
  });
  await waitFor('the MTA', () => fs.readFileSync(path.join(dataDir, 'mta.log'), 'utf8').includes('listening:'));
  const metric = async (name) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      } catch (error) {
        // A keep-alive connection closed by the server just as it was reused: ask again.
        if (attempt >= 3) throw error;
      }
    }
  };
  const peakRssMb = () => {
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)[1]) / 1024;
  };
  return {
    smtpPort,
    dataDir,
    metric,
    peakRssMb,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- a private Postfix
async function startPostfix() {
  if (process.getuid?.() !== 0) throw new Error('the Postfix baseline needs root (postfix -c DIR start)');
  const postfix = tool('postfix');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-postfix-'));
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const data = path.join(dir, 'data');
  for (const d of [conf, data, path.join(dir, 'queue')]) fs.mkdirSync(d);
  execFileSync('chown', ['postfix', data]);
  const port = await freePort();
  fs.writeFileSync(path.join(conf, 'main.cf'), [
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${data}`,
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = postfix-bench.tayori.test',
    'mydestination =',
    'mynetworks = 127.0.0.0/8',
    'relay_domains =',
    'default_transport = discard',
    'local_transport = discard',
    'smtpd_relay_restrictions = permit_mynetworks, reject',
    `maillog_file = ${dir}/maillog`,
    `maillog_file_prefixes = ${dir}`,
    '',
  ].join('\n'));
  // The system's master.cf, with smtpd moved to our port and out of the chroot.
  const master = fs.readFileSync('/etc/postfix/master.cf', 'utf8').replace(/^smtp\s+inet\s+.*smtpd$/m, `127.0.0.1:${port} inet n - n - - smtpd`);
  fs.writeFileSync(path.join(conf, 'master.cf'), master);
  execFileSync(postfix, ['-c', conf, 'start'], { stdio: 'ignore' });
  await waitFor('Postfix', () => portOpen(port));
  const count = (pattern) => {
    const log = fs.existsSync(path.join(dir, 'maillog')) ? fs.readFileSync(path.join(dir, 'maillog'), 'utf8') : '';
    return (log.match(pattern) ?? []).length;
  };
  return {
    port,
    queued: () => count(/postfix\/qmgr\[\d+\]: \w+: from=<bench@example\.org>/g),
    sent: () => count(/postfix\/discard\[\d+\]: \w+: to=<sink@example\.com>.* status=sent/g),
    async stop() {
      spawnSync(postfix, ['-c', conf, 'stop'], { stdio: 'ignore' });
      await waitFor('Postfix to stop', async () => !(await portOpen(port)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- the run
// Both servers run side by side; the smtp-source runs alternate (MTA, Postfix, MTA, Postfix …) so
// that load from anything else on the machine falls on both alike. Each side's best round counts.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const mta = await startMta();
let postfix;
const mtaRuns = [];
const postfixRuns = [];
let peakRssMb;
try {
  postfix = await startPostfix();
  const postfixVersion = execFileSync(tool('postconf'), ['-h', 'mail_version'], { encoding: 'utf8' }).trim();
  smtpSource(mta.smtpPort, WARMUP, 'user1@demo.tayori.test');
  smtpSource(postfix.port, WARMUP, 'sink@example.com');
  await waitFor('warm-up mail delivered', async () => (await mta.metric('tayori_mta_queue_depth')) === 0, 60_000);
  await waitFor('warm-up mail through Postfix', () => postfix.sent() >= WARMUP, 60_000);
  for (let round = 1; round <= ROUNDS; round++) {
    const before = await mta.metric('tayori_mta_messages_accepted_total');
    const run = smtpSource(mta.smtpPort, MESSAGES, 'user1@demo.tayori.test');
    const accepted = (await mta.metric('tayori_mta_messages_accepted_total')) - before;
    const drainStart = Date.now();
    await waitFor('the MTA queue to drain', async () => (await mta.metric('tayori_mta_queue_depth')) === 0, 300_000);
    const deliveredAfterS = run.seconds + (Date.now() - drainStart) / 1000;
    mtaRuns.push(accepted / run.seconds);
    console.log(`round ${round} tayori mta: ${accepted} of ${MESSAGES} accepted in ${run.seconds.toFixed(2)} s = ${(accepted / run.seconds).toFixed(0)} msg/s; all delivered to Maildir after ${deliveredAfterS.toFixed(2)} s (${(MESSAGES / deliveredAfterS).toFixed(0)} msg/s end to end)${run.warnings.length ? `; ${run.warnings.length} smtp-source warnings` : ''}`);

    const queuedBefore = postfix.queued();
    const sentBefore = postfix.sent();
    const pf = smtpSource(postfix.port, MESSAGES, 'sink@example.com');
    // Postfix logs each message as its queue manager picks it up; give the log a moment.
    const pfAccepted = await waitFor('Postfix to log the messages', () => (postfix.queued() - queuedBefore >= MESSAGES ? MESSAGES : false), 60_000).catch(() => postfix.queued() - queuedBefore);
    await waitFor('Postfix to discard them', () => postfix.sent() - sentBefore >= pfAccepted, 120_000);
    postfixRuns.push(pfAccepted / pf.seconds);
    console.log(`round ${round} postfix ${postfixVersion} (queue + discard): ${pfAccepted} of ${MESSAGES} accepted in ${pf.seconds.toFixed(2)} s = ${(pfAccepted / pf.seconds).toFixed(0)} msg/s`);
  }
  peakRssMb = mta.peakRssMb();
} catch (error) {
  console.error(fs.readFileSync(path.join(mta.dataDir, 'mta.log'), 'utf8').split('\n').slice(-20).join('\n'));
  throw error;
} finally {
  await mta.stop();
  await postfix?.stop();
}

const mtaRate = Math.max(...mtaRuns);
const postfixRate = Math.max(...postfixRuns);
const ratio = mtaRate / postfixRate;
console.log(`best of ${ROUNDS}: tayori mta ${mtaRate.toFixed(0)} msg/s, postfix ${postfixRate.toFixed(0)} msg/s, ratio ${ratio.toFixed(2)} (bar: 0.5); MTA peak RSS ${peakRssMb.toFixed(0)} MB`);
console.log(`RESULT bench:mta mta_msgs_per_s=${mtaRate.toFixed(0)} postfix_msgs_per_s=${postfixRate.toFixed(0)} ratio=${ratio.toFixed(2)} peak_rss_mb=${peakRssMb.toFixed(0)}`);
