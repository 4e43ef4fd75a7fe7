// The scanner adapters against the real daemons from Debian: SpamAssassin's spamd, ClamAV's clamd
// (with a signature database this test writes, since no download is possible) and rspamd.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, freePort, portOpen, readMailbox, requireTool, startMta, tempDir, track, waitFor, type MtaProcess } from './helpers.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

const children: ChildProcess[] = [];
const mtas: MtaProcess[] = [];

async function daemon(what: string, command: string, args: string[], port: number, timeoutMs: number): Promise<ChildProcess> {
  const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  children.push(child);
  await waitFor(`${what} to listen on ${port}`, async () => {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${output.slice(-2000)}`);
    return portOpen(port);
  }, timeoutMs, 250);
  return child;
}

async function startSpamd(): Promise<number> {
  const port = await freePort();
  const home = tempDir('spamd');
  const asRoot = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  await daemon('spamd', requireTool('spamd'), [`--listen=127.0.0.1:${port}`, '--allowed-ips=127.0.0.1', '--max-children=2', '--min-children=1', `--pidfile=${home}/spamd.pid`, '--syslog=stderr', '--nouser-config', `--helper-home-dir=${home}`, ...asRoot], port, 60_000);
  return port;
}

async function startClamd(): Promise<number> {
  const port = await freePort();
  const dir = tempDir('clamd');
  fs.mkdirSync(path.join(dir, 'db'));
  // An "extended" (.ndb) signature for the EICAR test string: any file type, any offset.
  fs.writeFileSync(path.join(dir, 'db', 'tayori-test.ndb'), `Tayori.Test.EICAR:0:*:${Buffer.from(EICAR).toString('hex')}\n`);
  fs.writeFileSync(path.join(dir, 'clamd.conf'), ['Foreground yes', `TCPSocket ${port}`, 'TCPAddr 127.0.0.1', `DatabaseDirectory ${dir}/db`, `LogFile ${dir}/clamd.log`, process.getuid?.() === 0 ? 'User root' : ''].join('\n'));
  await daemon('clamd', requireTool('clamd'), ['-c', path.join(dir, 'clamd.conf')], port, 60_000);
  return port;
}

async function startRspamd(): Promise<number> {
  const port = await freePort();
  const controller = await freePort();
  const dir = tempDir('rspamd');
  fs.chmodSync(dir, 0o755);
  const local = path.join(dir, 'local.d');
  fs.mkdirSync(local);
  for (const sub of ['db', 'run']) {
    fs.mkdirSync(path.join(dir, sub));
    if (process.getuid?.() === 0) fs.chownSync(path.join(dir, sub), Number(requireUid('_rspamd')), Number(requireUid('_rspamd', 'g')));
  }
  fs.writeFileSync(path.join(local, 'worker-normal.inc'), `bind_socket = "127.0.0.1:${port}";\ncount = 1;\n`);
  fs.writeFileSync(path.join(local, 'worker-controller.inc'), `bind_socket = "127.0.0.1:${controller}";\ncount = 1;\n`);
  fs.writeFileSync(path.join(local, 'worker-proxy.inc'), 'count = 0;\n');
  fs.writeFileSync(path.join(local, 'options.inc'), 'dns { timeout = 1s; retransmits = 1; }\n');
  fs.writeFileSync(path.join(local, 'logging.inc'), 'type = "console";\nlevel = "error";\n');
  const user = process.getuid?.() === 0 ? ['-u', '_rspamd', '-g', '_rspamd'] : [];
  await daemon('rspamd', requireTool('rspamd'), ['-f', ...user, '-c', '/etc/rspamd/rspamd.conf', '--var', `LOCAL_CONFDIR=${dir}`, '--var', `DBDIR=${dir}/db`, '--var', `RUNDIR=${dir}/run`, '-p', `${dir}/run/rspamd.pid`], port, 90_000);
  return port;
}

function requireUid(name: string, kind: 'u' | 'g' = 'u'): string {
  const file = fs.readFileSync(kind === 'u' ? '/etc/passwd' : '/etc/group', 'utf8');
  const line = file.split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} ${kind === 'u' ? 'user' : 'group'}: is rspamd installed?`);
  return line.split(':')[2]!;
}

async function send(mta: MtaProcess, options: SendMailOptions): Promise<string> {
  const info = await nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, ignoreTLS: true }).sendMail({ from: 'sender@example.org', to: `user1@${DEMO}`, ...options });
  return /queued as (\S+)/.exec(info.response)![1]!;
}

async function refusedOrQuarantined(mta: MtaProcess, queueId: string, list: 'refused_as_spam' | 'quarantined') {
  return waitFor(`${queueId} in ${list}`, async () => (await mta.api('GET', '/api/queue')).json[list].find((m: { id: string }) => m.id === queueId));
}

let spamdPort: number;
let clamdPort: number;
let rspamdPort: number;

beforeAll(async () => {
  [spamdPort, clamdPort, rspamdPort] = await Promise.all([startSpamd(), startClamd(), startRspamd()]);
}, 180_000);

afterAll(async () => {
  for (const m of mtas) await m.stop();
  for (const child of children) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

describe('scanner adapters against real daemons', () => {
  it('spamd: ordinary mail is delivered with SpamAssassin\'s verdict; GTUBE is refused', async () => {
    const mta = await startMta({ env: { MTA_SCANNER: 'spamd', SPAMD_PORT: String(spamdPort) } });
    mtas.push(mta);
    await send(mta, { subject: 'Meeting notes', text: 'Attached are the notes from today.', messageId: '<ham-spamd@example.org>' });
    const mail = await waitFor('the spamd-scanned message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<ham-spamd@example.org>')));
    expect(mail).toMatch(/^X-Spam-Check: done \(spamd\)$/m);
    expect(mail).toMatch(/^X-Spam-Status: No, score=-?\d+\.\d required=5\.0 tests=/m);
    const refused = await refusedOrQuarantined(mta, await send(mta, { subject: 'gtube', text: GTUBE }), 'refused_as_spam');
    // GTUBE scores 1000 in SpamAssassin, give or take other rules; the reject score is 15.
    expect(refused.scan_result.score).toBeGreaterThan(900);
    expect(refused.scan_result.detail).toContain('GTUBE');
  });

  it('clamd: a message carrying the test signature is quarantined under clamd\'s name for it; clean mail passes', async () => {
    const mta = await startMta({ env: { MTA_SCANNER: 'clamd', CLAMD_PORT: String(clamdPort) } });
    mtas.push(mta);
    const infected = await send(mta, { subject: 'invoice', text: 'see attachment', attachments: [{ filename: 'invoice.com', content: EICAR }] });
    const held = await refusedOrQuarantined(mta, infected, 'quarantined');
    expect(held.scan_result.virus).toBe('Tayori.Test.EICAR.UNOFFICIAL');
    await send(mta, { subject: 'clean', text: 'nothing to see', messageId: '<clean-clamd@example.org>' });
    const mail = await waitFor('the clean message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<clean-clamd@example.org>')));
    expect(mail).toMatch(/^X-Spam-Check: done \(clamd\)$/m);
    expect(readMailbox(mta.dataDir, `user1@${DEMO}`).join('')).not.toContain('invoice.com');
  });

  it('rspamd: ordinary mail is delivered with rspamd\'s score; GTUBE is refused', async () => {
    const mta = await startMta({ env: { MTA_SCANNER: 'rspamd', RSPAMD_URL: `http://127.0.0.1:${rspamdPort}` } });
    mtas.push(mta);
    await send(mta, { subject: 'Lunch', text: 'Shall we have lunch at noon?', messageId: '<ham-rspamd@example.org>' });
    const mail = await waitFor('the rspamd-scanned message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<ham-rspamd@example.org>')), 30_000);
    expect(mail).toMatch(/^X-Spam-Check: done \(rspamd\)$/m);
    expect(mail).toMatch(/^X-Spam-Score: -?\d+\.\d$/m);
    const refused = await refusedOrQuarantined(mta, await send(mta, { subject: 'gtube', text: GTUBE }), 'refused_as_spam');
    expect(refused.scan_result.score).toBeGreaterThanOrEqual(15);
  });

  it('a scanner that is down does not stop mail: it is delivered marked X-Spam-Check: failed', async () => {
    const closedPort = await freePort();
    const mta = await startMta({ env: { MTA_SCANNER: 'spamd', SPAMD_PORT: String(closedPort) } });
    mtas.push(mta);
    await send(mta, { subject: 'while spamd is down', text: 'x', messageId: '<failopen@example.org>' });
    const mail = await waitFor('the unscanned message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<failopen@example.org>')));
    expect(mail).toMatch(new RegExp(`^X-Spam-Check: failed \\(spamd at 127\\.0\\.0\\.1:${closedPort}: connect ECONNREFUSED`, 'm'));
    expect(await mta.metrics()).toMatch(/^tayori_mta_scan_verdicts_total\{verdict="failed"\} 1$/m);
  });
});
