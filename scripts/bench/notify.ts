// npm run bench:notify [-- --large] — one incident notice to 10,000 subscribers (100,000 with
// --large), sent by the notice worker process into Postfix's smtp-sink; then, in the same run,
// Postfix's smtp-source sends the same number of messages of the same size, over as many
// sessions as the worker has connections, into the same sink: twice, once as it runs by default
// (a new connection for every message) and once with -d (each session kept open for message after
// message, as the worker does), the stricter reference.
//   tayori msg/s        = copies sent / (last sentAt − first claimedAt), from the outbox rows
//   smtp-source msg/s   = messages / wall time of the smtp-source run
// Needs the Debian package postfix (smtp-sink, smtp-source).
// Environment: BENCH_SUBSCRIBERS, BENCH_CONCURRENCY (sessions per worker, default 10),
// BENCH_WORKERS (worker processes, default 1), BENCH_WORKER_PROFILE=<dir> (V8 CPU profile of the worker).
// npm run bench:notify -- --path mta: the path a notice really takes, through the bundled MTA to ten
// destinations, against Postfix relaying to the same sinks (scripts/bench/notify-path.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freePort, portOpen, waitFor } from '../lib/wait.mjs';
import { prepareNoticeFixture, ROOT } from './notice-fixture';

const pathMode = process.argv.indexOf('--path');
if (pathMode >= 0) {
  if (process.argv[pathMode + 1] !== 'mta') throw new Error('--path: the only path is "mta" (npm run bench:notify -- --path mta)');
  await import('./notify-path');
  process.exit(0);
}

const LARGE = process.argv.includes('--large');
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? (LARGE ? 100_000 : 10_000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
// Worker processes sharing the outbox (the claim protocol is built for several); connections per process.
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);

function tool(name: string): string {
  const found = ['/usr/sbin', '/usr/bin'].map((d) => path.join(d, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`${name} not found: apt-get install -y postfix (DEBIAN_FRONTEND=noninteractive)`);
  return found;
}

// 1. A migrated, seeded database, the subscribers, an incident and its notice.
const { work, env, sqlite, noticeId, enqueueSeconds } = await prepareNoticeFixture(SUBSCRIBERS, (i) => `user${i}@bench.test`);
const children: ChildProcess[] = [];
const cleanUp = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanUp);

// 2. smtp-sink, and the worker sending into it.
const port = await freePort();
const sink = spawn(tool('smtp-sink'), ['-u', 'nobody', '-m', '1000', `127.0.0.1:${port}`, '1024'], { stdio: 'ignore' });
children.push(sink);
await waitFor('smtp-sink', () => portOpen(port), 10_000);

for (let i = 0; i < WORKERS; i++) {
  const worker = spawn(process.execPath, [...(process.env.BENCH_WORKER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_WORKER_PROFILE] : []), '--conditions=react-server', '--import', 'tsx', 'worker/main.ts'], {
    cwd: ROOT,
    env: { ...env, SMTP_URL: `smtp://127.0.0.1:${port}`, NOTICE_WORKER_CONCURRENCY: String(CONCURRENCY), NOTICE_BATCH_SIZE: '500', NOTICE_POLL_MS: '50' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(worker);
}
const sentCount = sqlite.prepare("SELECT COUNT(*) AS n FROM NoticeDelivery WHERE noticeId = ? AND status = 'sent'");
await waitFor('every copy sent', () => (sentCount.get(noticeId) as { n: number }).n === SUBSCRIBERS, 60 * 60_000);
for (const c of children.slice(1)) c.kill('SIGTERM');
const span = sqlite.prepare('SELECT MIN(claimedAt) AS first, MAX(sentAt) AS last FROM NoticeDelivery WHERE noticeId = ?').get(noticeId) as { first: string; last: string };
const tayoriSeconds = (Date.parse(span.last) - Date.parse(span.first)) / 1000;
const tayoriRate = SUBSCRIBERS / tayoriSeconds;

// 3. smtp-source into the same sink: same count, same size as a Japanese notice, same sessions.
const notice = sqlite.prepare('SELECT textJa, htmlJa FROM Notice WHERE id = ?').get(noticeId) as { textJa: string; htmlJa: string };
// base64 bodies of text and HTML, headers and MIME boundaries: about 1.4 × the UTF-8 bytes + 1.5 KB.
const messageBytes = Math.round((Buffer.byteLength(notice.textJa) + Buffer.byteLength(notice.htmlJa) + 600) * 1.37 + 1500);
function runSmtpSource(extra: string[]): number {
  const started = performance.now();
  const source = spawnSync(tool('smtp-source'), [...extra, '-s', String(CONCURRENCY * WORKERS), '-l', String(messageBytes), '-m', String(SUBSCRIBERS), '-f', 'status@tayori.test', '-t', 'user@bench.test', `127.0.0.1:${port}`], { stdio: 'inherit' });
  if (source.status !== 0) throw new Error('smtp-source failed');
  return SUBSCRIBERS / ((performance.now() - started) / 1000);
}
const sourceRate = runSmtpSource([]);
const keepAliveRate = runSmtpSource(['-d']);
sink.kill('SIGTERM');
sqlite.close();

const ratio = tayoriRate / sourceRate;
const keepAliveRatio = tayoriRate / keepAliveRate;
console.log(`subscribers ${SUBSCRIBERS}, ${WORKERS} worker process(es) × ${CONCURRENCY} SMTP connections, message ≈ ${messageBytes} bytes`);
console.log(`notice created with its ${SUBSCRIBERS} delivery rows in ${enqueueSeconds.toFixed(2)} s`);
console.log(`tayori worker:       ${SUBSCRIBERS} copies in ${tayoriSeconds.toFixed(2)} s = ${tayoriRate.toFixed(0)} msg/s`);
console.log(`smtp-source:         ${sourceRate.toFixed(0)} msg/s (a connection per message, its default) → ratio ${ratio.toFixed(2)}`);
console.log(`smtp-source -d:      ${keepAliveRate.toFixed(0)} msg/s (sessions kept open, like the worker) → ratio ${keepAliveRatio.toFixed(2)}`);
console.log(
  `RESULT bench:notify tayori_msgs_per_s=${tayoriRate.toFixed(0)} smtp_source_msgs_per_s=${sourceRate.toFixed(0)} ratio=${ratio.toFixed(2)} smtp_source_keepalive_msgs_per_s=${keepAliveRate.toFixed(0)} keepalive_ratio=${keepAliveRatio.toFixed(2)} subscribers=${SUBSCRIBERS} workers=${WORKERS} connections=${CONCURRENCY * WORKERS} enqueue_s=${enqueueSeconds.toFixed(2)}`,
);
process.exit(0);
