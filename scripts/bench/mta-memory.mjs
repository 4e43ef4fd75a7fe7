// npm run bench:mta-memory — how much memory the MTA needs for large messages in flight: 10
// clients send a 24 MiB message each at the same time (to a hosted mailbox, so each is received,
// spooled, scanned and delivered to a Maildir), and the MTA's resident memory is sampled from
// /proc until every message is in its mailbox.
//   ratio = (peak RSS - RSS before the run) / (10 × 24 MiB)
// 1.0 means the MTA held as much extra memory as all the messages together; bounded buffering
// keeps it well below that.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '../lib/wait.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 10);
const MESSAGE_MIB = Number(process.env.BENCH_MESSAGE_MIB ?? 24);
const MIB = 1024 * 1024;
const MAILBOX = 'user1@demo.tayori.test';

/** A message of about `bytes` octets: headers, then 76-character lines of text. */
function message(bytes, n) {
  const head = `From: <bench@example.org>\r\nTo: <${MAILBOX}>\r\nSubject: large message ${n}\r\nMessage-ID: <mem-${n}@example.org>\r\nDate: ${new Date().toUTCString()}\r\n\r\n`;
  const line = `${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3).slice(0, 76)}\r\n`;
  const lines = Math.floor((bytes - head.length) / line.length);
  return Buffer.concat([Buffer.from(head), Buffer.from(line.repeat(lines))]);
}

function rssMb(pid, field = 'VmRSS') {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]) / 1024;
}

/** One SMTP client: EHLO, MAIL, RCPT, DATA, the body with backpressure, the final dot. */
function send(port, body) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = '';
    const steps = ['EHLO bench.example.org', 'MAIL FROM:<bench@example.org>', `RCPT TO:<${MAILBOX}>`, 'DATA'];
    let step = -1;
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end;
      while ((end = buffer.search(/\r\n/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (/^\d{3}-/.test(line)) continue;
        const code = Number(line.slice(0, 3));
        if (step === steps.length) {
          socket.end('QUIT\r\n');
          return code === 250 ? resolve() : reject(new Error(`message refused: ${line}`));
        }
        if (code >= 400) return reject(new Error(`${steps[step] ?? 'greeting'}: ${line}`));
        step++;
        if (step < steps.length) {
          socket.write(`${steps[step]}\r\n`);
        } else {
          // 354: the message, in 64 KiB writes that wait for the socket to drain.
          void (async () => {
            for (let offset = 0; offset < body.length; offset += 64 * 1024) {
              if (!socket.write(body.subarray(offset, offset + 64 * 1024))) await new Promise((r) => socket.once('drain', r));
            }
            socket.write('.\r\n');
          })();
        }
      }
    });
  });
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-bench-memory-'));
const smtpPort = await freePort();
const httpPort = await freePort();
const logFile = path.join(dataDir, 'mta.log');
const log = fs.openSync(logFile, 'w');
const child = spawn(process.execPath, ['--import', 'tsx', 'mta/main.ts'], {
  cwd: ROOT,
  env: { ...process.env, MTA_DATA_DIR: dataDir, SMTP_PORT: String(smtpPort), MTA_HTTP_PORT: String(httpPort), MTA_ADMIN_TOKEN: 'bench-admin-token-0123456789', MTA_ROLLUP_PUSH: 'off', MTA_SCANNER: 'builtin' },
  stdio: ['ignore', log, log],
});
const delivered = () => {
  const dir = path.join(dataDir, 'mail', 'demo.tayori.test', 'user1', 'new');
  return fs.existsSync(dir) ? fs.readdirSync(dir).length : 0;
};

let result;
try {
  await waitFor('the MTA', () => fs.readFileSync(logFile, 'utf8').includes('listening:'), 60_000);
  // Warm-up: one small message all the way through, so the baseline includes what every message loads.
  await send(smtpPort, message(4096, 0));
  await waitFor('the warm-up message', () => delivered() === 1, 60_000);
  await new Promise((r) => setTimeout(r, 1000));
  const baseline = rssMb(child.pid);
  const bodies = Array.from({ length: PARALLEL }, (_, i) => message(MESSAGE_MIB * MIB, i + 1));
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid))), 5);
  const started = Date.now();
  await Promise.all(bodies.map((body) => send(smtpPort, body)));
  const acceptedS = (Date.now() - started) / 1000;
  await waitFor('every message in the mailbox', () => delivered() === PARALLEL + 1, 300_000, 20);
  clearInterval(sampler);
  // The kernel's high-water mark catches a peak between two samples.
  peak = Math.max(peak, rssMb(child.pid, 'VmHWM'));
  // RSS is read in KiB and shown in MiB (as bench:mta does), so the messages count in MiB too.
  const ratio = (peak - baseline) / (PARALLEL * MESSAGE_MIB);
  console.log(`${PARALLEL} messages of ${MESSAGE_MIB} MiB accepted in ${acceptedS.toFixed(1)} s and delivered after ${((Date.now() - started) / 1000).toFixed(1)} s; MTA RSS ${baseline.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB`);
  result = `RESULT bench:mta-memory parallel=${PARALLEL} message_mib=${MESSAGE_MIB} baseline_rss_mb=${baseline.toFixed(0)} peak_rss_mb=${peak.toFixed(0)} ratio=${ratio.toFixed(2)}`;
} catch (error) {
  console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n'));
  throw error;
} finally {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(result);
