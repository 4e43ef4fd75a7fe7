// npm run bench:notify -- --path mta — the path a notice really takes, measured end to end: one
// incident notice to 100,000 subscribers spread over ten destination domains (d0.bench.test …
// d9.bench.test), signed and sent by the notice worker into the bundled MTA (logged in as the
// site, as `npm start` runs them), which relays each copy to its domain's server under its
// per-destination limits, at their defaults. The ten servers are Postfix's smtp-sink, one per
// domain on a port of its own, reached through MTA_TRANSPORT_MAP. Then, in the same run,
// smtp-source submits the same number of messages of the same size to a private Postfix, which
// relays them to the same ten sinks through its transport_maps, with its own defaults
// (per-destination concurrency 20, 100 processes per service, connection cache on demand).
//   tayori msg/s  = copies / (first copy claimed by the worker → last copy accepted by a sink)
//   postfix msg/s = messages / (smtp-source started → last message accepted by a sink)
// The sinks count what they accept (smtp-sink -c); this process notes when each count moves.
// Peak RSS: the worker's and the MTA's high-water marks (VmHWM), peak_rss_mb being their sum;
// Postfix's processes come and go, so their proportional set sizes (PSS, shared pages split
// among the processes sharing them) are summed once a second and the highest sum is reported.
// Needs root (Postfix's master) and the Debian package postfix (scripts/ci/install-mail-tools.sh).
// Environment: BENCH_SUBSCRIBERS (100,000), BENCH_CONCURRENCY (the worker's SMTP sessions, 10;
// smtp-source gets as many sessions, spread over the domains), BENCH_POSTFIX_FIRST=1 (Postfix's
// side runs first; Tayori's does by default).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portOpen, waitFor } from '../lib/wait.mjs';
import { prepareNoticeFixture, ROOT } from './notice-fixture';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONCURRENCY ?? 10);
const DOMAINS = Array.from({ length: 10 }, (_, i) => `d${i}.bench.test`);
const SUBMISSION_PASSWORD = 'bench-notify-submission-password-0123456789';
/** A run that stops moving for this long has failed: say where it stood. */
const STALL_MS = 120_000;

function tool(name: string): string {
  const found = ['/usr/sbin', '/usr/bin'].map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${name} not found: install the mail tools with scripts/ci/install-mail-tools.sh`);
  return found;
}

if (process.getuid?.() !== 0) throw new Error('bench:notify --path mta needs root: the Postfix baseline runs its own master (postfix -c DIR start)');

const { work, env, sqlite, noticeId, enqueueSeconds } = await prepareNoticeFixture(SUBSCRIBERS, (i) => `user${i}@${DOMAINS[i % DOMAINS.length]}`);
const children: ChildProcess[] = [];
let stopPostfix = () => {};
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  stopPostfix();
  fs.rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the sinks
interface Sink {
  domain: string;
  port: number;
  /** messages accepted ("." answered) so far */
  accepted: number;
  /** Date.now() when the count last moved */
  lastAt: number;
}

/** smtp-sink -c rewrites one status line ("sess=… quit=… mesg=…\r") after every message. */
async function startSink(domain: string): Promise<Sink> {
  const port = await freePort();
  const sink: Sink = { domain, port, accepted: 0, lastAt: 0 };
  const child = spawn(tool('smtp-sink'), ['-u', 'nobody', '-c', '-m', '1000', `127.0.0.1:${port}`, '1024'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.stdout!.setEncoding('latin1');
  child.stdout!.on('data', (chunk: string) => {
    const counts = [...chunk.matchAll(/mesg=(\d+)/g)];
    const latest = Number(counts.at(-1)?.[1] ?? 0);
    if (latest > sink.accepted) {
      sink.accepted = latest;
      sink.lastAt = Date.now();
    }
  });
  await waitFor(`smtp-sink for ${domain}`, () => portOpen(port), 10_000);
  return sink;
}

const sinks = await Promise.all(DOMAINS.map(startSink));
const acceptedAtSinks = () => sinks.reduce((n, s) => n + s.accepted, 0);
const lastAcceptedAt = () => Math.max(...sinks.map((s) => s.lastAt));

/** Waits until the sinks have accepted `count` more than `before`, reporting progress; throws on a stall. */
async function sinksReach(what: string, before: number, count: number, progress: () => string): Promise<void> {
  let seen = acceptedAtSinks();
  let movedAt = Date.now();
  let reportedAt = Date.now();
  for (;;) {
    const now = acceptedAtSinks();
    if (now - before >= count) return;
    if (now !== seen) {
      seen = now;
      movedAt = Date.now();
    }
    if (Date.now() - movedAt > STALL_MS) throw new Error(`${what}: nothing reached the sinks for ${STALL_MS / 1000} s, ${now - before} of ${count} there (${progress()})`);
    if (Date.now() - reportedAt > 15_000) {
      console.log(`  ${what}: ${now - before} of ${count} at the sinks (${progress()})`);
      reportedAt = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------- memory
function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // gone already
  }
}

function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** `root` and every process below it. */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

// ---------------------------------------------------------------- the message both sides send
// The size of a real copy, for smtp-source: built and signed as the worker does (the Japanese and
// English copies weighted as the subscribers are: two in three read Japanese). Signing here also
// generates the DKIM key under DATA_DIR, which the worker then reads: both sign with the same key.
const { noticeCopy, prepareNotice } = await import('../../lib/notices/render/notice-mail');
const { subscriberLinks } = await import('../../lib/subscribers/links');
const { dkimOptions } = await import('../../lib/smtp/transport');
const { dkimSign } = await import('../../lib/smtp/dkim-sign');
const notice = sqlite.prepare('SELECT id, kind, subjectJa, textJa, htmlJa, subjectEn, textEn, htmlEn FROM Notice WHERE id = ?').get(noticeId) as Record<string, string>;
const dkim = dkimOptions();
async function copyBytes(lang: 'ja' | 'en'): Promise<number> {
  const row = sqlite.prepare('SELECT s.id, s.email, s.tokenVersion, d.messageId FROM NoticeDelivery d JOIN Subscriber s ON s.id = d.subscriberId WHERE d.noticeId = ? AND s.lang = ? LIMIT 1').get(noticeId, lang) as { id: string; email: string; tokenVersion: number; messageId: string };
  const suffix = lang === 'ja' ? 'Ja' : 'En';
  const prepared = prepareNotice({ subject: notice[`subject${suffix}`], text: notice[`text${suffix}`], html: notice[`html${suffix}`] }, lang, { id: notice.id, kind: notice.kind });
  const copy = noticeCopy(prepared, row.email, row.messageId, subscriberLinks(row.id, row.tokenVersion, lang), { subscriberId: row.id, noticeId });
  return Buffer.byteLength(dkim ? await dkimSign(copy.raw, dkim) : copy.raw);
}
const messageBytes = Math.round(((await copyBytes('ja')) * 2 + (await copyBytes('en'))) / 3);

// ---------------------------------------------------------------- Tayori: the worker and the bundled MTA
async function runTayori() {
  const ADMIN_TOKEN = 'bench-notify-admin-token-0123456789';
  const smtpPort = await freePort();
  const mtaHttpPort = await freePort();
  const mtaLogFile = path.join(work, 'mta.log');
  const mtaLog = fs.openSync(mtaLogFile, 'w');
  const mta = spawn(process.execPath, ['--import', 'tsx', 'mta/main.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      NODE_ENV: 'production',
      MTA_DATA_DIR: path.join(work, 'mta'),
      SMTP_PORT: String(smtpPort),
      MTA_HTTP_PORT: String(mtaHttpPort),
      MTA_HOSTNAME: 'mx.bench.tayori.test',
      MTA_ADMIN_TOKEN: ADMIN_TOKEN,
      MTA_ROLLUP_PUSH: 'off',
      MTA_SUBMISSION_PASSWORD: SUBMISSION_PASSWORD,
      MTA_TRANSPORT_MAP: sinks.map((s) => `${s.domain}=smtp://127.0.0.1:${s.port}`).join(','),
    },
    stdio: ['ignore', mtaLog, mtaLog],
  });
  children.push(mta);
  const mtaLogTail = () => fs.readFileSync(mtaLogFile, 'utf8').split('\n').slice(-20).join('\n');
  await waitFor('the MTA to listen', () => {
    if (mta.exitCode !== null) throw new Error(`the MTA exited:\n${mtaLogTail()}`);
    return fs.readFileSync(mtaLogFile, 'utf8').includes('listening:');
  }, 60_000);

  const before = acceptedAtSinks();
  const beforePerSink = sinks.map((s) => s.accepted);
  const worker = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: { ...env, SMTP_URL: `smtp://tayori-submission:${SUBMISSION_PASSWORD}@127.0.0.1:${smtpPort}`, NOTICE_WORKER_CONCURRENCY: String(CONNECTIONS), NOTICE_BATCH_SIZE: '500', NOTICE_POLL_MS: '50' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(worker);
  // What the MTA's limits did, from its /metrics every two seconds: the most deliveries in flight in
  // all (MTA_DELIVERY_CONCURRENCY bounds them) and to one destination (MTA_DESTINATION_CONCURRENCY),
  // and the deepest its queue got.
  const seen = { inFlight: 0, toOneDestination: 0, queueDepth: 0 };
  const mtaSampler = setInterval(async () => {
    const text = await fetch(`http://127.0.0.1:${mtaHttpPort}/metrics`).then((r) => r.text(), () => '');
    const active = [...text.matchAll(/^tayori_mta_destination_active_deliveries\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
    seen.inFlight = Math.max(seen.inFlight, active.reduce((a, b) => a + b, 0));
    seen.toOneDestination = Math.max(seen.toOneDestination, ...active);
    seen.queueDepth = Math.max(seen.queueDepth, Number(/^tayori_mta_queue_depth (\S+)$/m.exec(text)?.[1] ?? 0));
  }, 2000);
  const sentCount = sqlite.prepare("SELECT COUNT(*) AS n FROM NoticeDelivery WHERE noticeId = ? AND status = 'sent'");
  try {
    await sinksReach('tayori', before, SUBSCRIBERS, () => `${(sentCount.get(noticeId) as { n: number }).n} handed to the MTA`);
  } catch (error) {
    console.error(mtaLogTail());
    throw error;
  } finally {
    clearInterval(mtaSampler);
  }
  const lastAt = lastAcceptedAt();
  // The machine is shared: the one-minute load average as each side finishes says how much.
  const load = os.loadavg()[0];
  const firstClaimed = sqlite.prepare('SELECT MIN(claimedAt) AS first FROM NoticeDelivery WHERE noticeId = ?').get(noticeId) as { first: string };
  const seconds = (lastAt - Date.parse(firstClaimed.first)) / 1000;
  const workerRssMb = procStatusKb(worker.pid!, 'VmHWM') / 1024;
  const mtaRssMb = procStatusKb(mta.pid!, 'VmHWM') / 1024;
  const perDomain = sinks.map((s, i) => s.accepted - beforePerSink[i]);
  // Anything delivered twice would arrive just after the last expected copy.
  await new Promise((r) => setTimeout(r, 1000));
  const duplicates = acceptedAtSinks() - before - SUBSCRIBERS;
  for (const child of [worker, mta]) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  return { seconds, rate: SUBSCRIBERS / seconds, load, workerRssMb, mtaRssMb, perDomain, duplicates, seen };
}

// ---------------------------------------------------------------- Postfix: smtp-source into a private instance
async function runPostfix() {
  const postfixDir = fs.mkdtempSync(path.join(work, 'postfix-'));
  fs.chmodSync(work, 0o755);
  fs.chmodSync(postfixDir, 0o755);
  const conf = path.join(postfixDir, 'conf');
  const postfixData = path.join(postfixDir, 'data');
  for (const d of [conf, postfixData, path.join(postfixDir, 'queue')]) fs.mkdirSync(d);
  execFileSync('chown', ['postfix', postfixData]);
  const postfixPort = await freePort();
  fs.writeFileSync(path.join(conf, 'main.cf'), [
    'compatibility_level = 3.6',
    `queue_directory = ${postfixDir}/queue`,
    `data_directory = ${postfixData}`,
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = postfix-bench.tayori.test',
    'mydestination =',
    'mynetworks = 127.0.0.0/8',
    'smtpd_relay_restrictions = permit_mynetworks, reject',
    // Each domain to its sink, as MTA_TRANSPORT_MAP does for the MTA.
    `transport_maps = inline:{ ${sinks.map((s) => `${s.domain}=smtp:[127.0.0.1]:${s.port}`).join(', ')} }`,
    `maillog_file = ${postfixDir}/maillog`,
    `maillog_file_prefixes = ${postfixDir}`,
    '',
  ].join('\n'));
  // The system's master.cf, with smtpd moved to our port and out of the chroot.
  const master = fs.readFileSync('/etc/postfix/master.cf', 'utf8').replace(/^smtp\s+inet\s+.*smtpd$/m, `127.0.0.1:${postfixPort} inet n - n - - smtpd`);
  fs.writeFileSync(path.join(conf, 'master.cf'), master);
  execFileSync(tool('postfix'), ['-c', conf, 'start'], { stdio: 'ignore' });
  stopPostfix = () => {
    spawnSync(tool('postfix'), ['-c', conf, 'stop'], { stdio: 'ignore' });
    stopPostfix = () => {};
  };
  await waitFor('Postfix', () => portOpen(postfixPort));
  const version = execFileSync(tool('postconf'), ['-h', 'mail_version'], { encoding: 'utf8' }).trim();
  const masterPid = Number(fs.readFileSync(path.join(postfixDir, 'queue/pid/master.pid'), 'utf8').trim());
  const memory = { pssKb: 0, largestKb: 0, processes: 0 };
  const sampler = setInterval(() => {
    const tree = processTree(masterPid);
    memory.pssKb = Math.max(memory.pssKb, tree.reduce((sum, pid) => sum + pssKb(pid), 0));
    memory.largestKb = Math.max(memory.largestKb, ...tree.map((pid) => procStatusKb(pid, 'VmHWM')));
    memory.processes = Math.max(memory.processes, tree.length);
  }, 1000);

  // smtp-source writes its own From, To, Date and Message-Id (about 150 bytes) above a body of -l bytes.
  const sourceBodyBytes = Math.max(100, messageBytes - 150);
  const sessionsPerDomain = Math.max(1, Math.round(CONNECTIONS / DOMAINS.length));
  const before = acceptedAtSinks();
  const started = Date.now();
  const sources = DOMAINS.map((domain, i) => {
    const count = Math.floor(SUBSCRIBERS / DOMAINS.length) + (i < SUBSCRIBERS % DOMAINS.length ? 1 : 0);
    // -d: each session carries message after message, as the worker's sessions do.
    const source = spawn(tool('smtp-source'), ['-d', '-s', String(sessionsPerDomain), '-l', String(sourceBodyBytes), '-m', String(count), '-f', 'status@tayori.test', '-t', `user@${domain}`, `127.0.0.1:${postfixPort}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(source);
    return new Promise<void>((resolve, reject) => source.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source for ${domain} failed (exit ${code})`)))));
  });
  const maillogTail = () => {
    const file = path.join(postfixDir, 'maillog');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-10).join('\n') : '';
  };
  try {
    let submitted = 0;
    for (const source of sources) void source.then(() => submitted++, () => {});
    await Promise.all([Promise.all(sources), sinksReach('postfix', before, SUBSCRIBERS, () => `smtp-source done for ${submitted} of ${DOMAINS.length} domains`)]);
  } catch (error) {
    console.error(maillogTail());
    throw error;
  } finally {
    clearInterval(sampler);
  }
  const seconds = (lastAcceptedAt() - started) / 1000;
  const load = os.loadavg()[0];
  stopPostfix();
  await waitFor('Postfix to stop', () => procStatusKb(masterPid, 'VmRSS') === 0, 30_000);
  return { seconds, rate: SUBSCRIBERS / seconds, load, version, sessions: sessionsPerDomain * DOMAINS.length, memory };
}

// ---------------------------------------------------------------- the run
// One side after the other (two cores); BENCH_POSTFIX_FIRST=1 swaps them, to see what the order does.
const postfixFirst = process.env.BENCH_POSTFIX_FIRST === '1';
const postfixEarly = postfixFirst ? await runPostfix() : null;
const tayori = await runTayori();
const postfix = postfixEarly ?? (await runPostfix());
sqlite.close();

const ratio = tayori.rate / postfix.rate;
const peakRssMb = tayori.workerRssMb + tayori.mtaRssMb;
const { seen } = tayori;
console.log(`subscribers ${SUBSCRIBERS} over ${DOMAINS.length} domains (${tayori.perDomain.join(' / ')} at the sinks), worker × ${CONNECTIONS} SMTP sessions to the MTA, message ≈ ${messageBytes} bytes (signed)${postfixFirst ? '; Postfix ran first' : ''}`);
console.log(`notice created with its ${SUBSCRIBERS} delivery rows in ${enqueueSeconds.toFixed(2)} s`);
console.log(`tayori (worker → MTA → sinks): ${SUBSCRIBERS} copies in ${tayori.seconds.toFixed(2)} s = ${tayori.rate.toFixed(0)} msg/s${tayori.duplicates ? `; ${tayori.duplicates} more than sent arrived (delivered twice)` : ''}`);
console.log(`postfix ${postfix.version} (smtp-source -d × ${postfix.sessions} sessions → Postfix → sinks): ${SUBSCRIBERS} in ${postfix.seconds.toFixed(2)} s = ${postfix.rate.toFixed(0)} msg/s`);
console.log(`the MTA had at most ${seen.inFlight} deliveries in flight, ${seen.toOneDestination} to one destination, and ${seen.queueDepth} messages queued (sampled every 2 s)`);
console.log(`ratio ${ratio.toFixed(2)} (bar: 0.5); load average (1 min) ${tayori.load.toFixed(1)} as Tayori finished, ${postfix.load.toFixed(1)} as Postfix did`);
console.log(`peak RSS: worker ${tayori.workerRssMb.toFixed(0)} MB, MTA ${tayori.mtaRssMb.toFixed(0)} MB; Postfix ${(postfix.memory.pssKb / 1024).toFixed(0)} MB in all (PSS, up to ${postfix.memory.processes} processes), its largest process ${(postfix.memory.largestKb / 1024).toFixed(0)} MB`);
console.log(
  `RESULT bench:notify:path tayori_msgs_per_s=${tayori.rate.toFixed(0)} postfix_msgs_per_s=${postfix.rate.toFixed(0)} ratio=${ratio.toFixed(2)} peak_rss_mb=${peakRssMb.toFixed(0)} worker_rss_mb=${tayori.workerRssMb.toFixed(0)} mta_rss_mb=${tayori.mtaRssMb.toFixed(0)} postfix_rss_mb=${(postfix.memory.pssKb / 1024).toFixed(0)} postfix_largest_rss_mb=${(postfix.memory.largestKb / 1024).toFixed(0)} subscribers=${SUBSCRIBERS} domains=${DOMAINS.length} connections=${CONNECTIONS} message_bytes=${messageBytes} duplicates=${tayori.duplicates} load_tayori=${tayori.load.toFixed(1)} load_postfix=${postfix.load.toFixed(1)}${postfixFirst ? ' order=postfix_first' : ''}`,
);
process.exit(0);
