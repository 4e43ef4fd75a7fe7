// Shared helpers for the MTA integration tests: run the real MTA as a child process on free
// ports with its own data directory, talk raw SMTP, read Maildirs, call the admin API.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, portOpen, waitFor } from '../../../scripts/lib/wait.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const DEMO = 'demo.tayori.test';

export { freePort, portOpen, waitFor };

const createdDirs: string[] = [];
const startedChildren: ChildProcess[] = [];
// When the test worker exits, nothing it started may outlive it (a failed test may not have
// reached its stop()), and its temporary data directories go too.
process.once('exit', () => {
  for (const child of startedChildren) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (process.env.KEEP_TEST_DIRS) return;
  for (const dir of createdDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tayori-${prefix}-`));
  createdDirs.push(dir);
  return dir;
}

export interface MtaProcess {
  child: ChildProcess;
  dataDir: string;
  smtpPort: number;
  httpPort: number;
  adminToken: string;
  output: () => string;
  api: (method: string, pathname: string, body?: unknown, token?: string | null) => Promise<{ status: number; json: any; text: string }>;
  metrics: () => Promise<string>;
  stop: () => Promise<number | null>;
  kill: () => Promise<void>;
}

/** Starts `node --import tsx mta/main.ts` (one process, so SIGKILL really kills the MTA). */
export async function startMta(options: { env?: Record<string, string>; dataDir?: string; smtpPort?: number; httpPort?: number } = {}): Promise<MtaProcess> {
  const dataDir = options.dataDir ?? tempDir('mta');
  const smtpPort = options.smtpPort ?? (await freePort());
  const httpPort = options.httpPort ?? (await freePort());
  const adminToken = 'test-admin-token-0123456789';
  // Only what the test sets: nothing from the developer's own environment leaks in.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    MTA_DATA_DIR: dataDir,
    SMTP_PORT: String(smtpPort),
    MTA_HTTP_PORT: String(httpPort),
    MTA_HOSTNAME: 'mx.tayori.test',
    MTA_ADMIN_TOKEN: adminToken,
    MTA_ROLLUP_PUSH: 'off',
    ...options.env,
  } as unknown as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, ['--import', 'tsx', 'mta/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  startedChildren.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor('the MTA to listen', () => {
    if (child.exitCode !== null) throw new Error(`MTA exited early:\n${output}`);
    return output.includes('listening:');
  }, 30_000);
  const base = `http://127.0.0.1:${httpPort}`;
  return {
    child,
    dataDir,
    smtpPort,
    httpPort,
    adminToken,
    output: () => output,
    async api(method, pathname, body, token = adminToken) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
    async metrics() {
      return (await fetch(`${base}/metrics`)).text();
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Mail files of one mailbox folder (new/ and cur/), as strings. */
export function readMailbox(dataDir: string, address: string, folder: 'INBOX' | 'Junk' = 'INBOX'): string[] {
  const [local, domain] = address.split('@') as [string, string];
  const base = path.join(dataDir, 'mail', domain, local, folder === 'INBOX' ? '' : `.${folder}`);
  const files: string[] = [];
  for (const sub of ['new', 'cur']) {
    const dir = path.join(base, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) files.push(fs.readFileSync(path.join(dir, name), 'latin1'));
  }
  return files;
}

export function tmpFilesIn(dataDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (path.basename(dir) === 'tmp') found.push(full);
    }
  };
  walk(path.join(dataDir, 'mail'));
  return found;
}

/** A raw SMTP conversation, for exact-reply tests. */
export class RawSmtp {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number, localAddress?: string): Promise<RawSmtp> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSmtp(socket);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Reads one complete (possibly multi-line) reply. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (match) {
        this.buffer = this.buffer.slice(match[0].length);
        return match[0].replace(/\r?\n$/, '');
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms; unread: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  async waitClosed(timeoutMs = 10_000): Promise<void> {
    await waitFor('the server to close the connection', () => this.closed, timeoutMs, 20);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Greets and says EHLO; returns the EHLO reply. */
export async function openSession(port: number, helo = 'client.example', localAddress?: string): Promise<{ smtp: RawSmtp; greeting: string; ehlo: string }> {
  const smtp = await RawSmtp.connect(port, localAddress);
  const greeting = await smtp.reply();
  const ehlo = await smtp.command(`EHLO ${helo}`);
  return { smtp, greeting, ehlo };
}

/** Registers a daemon a test started, so it is killed if the test worker exits first. */
export function track(child: ChildProcess): ChildProcess {
  startedChildren.push(child);
  return child;
}

export function requireTool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} 2>/dev/null`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  if (!found) throw new Error(`${name} is not installed; run scripts/ci/install-mail-tools.sh`);
  return found;
}

export function messageIds(files: string[]): string[] {
  return files.map((f) => /^Message-ID:\s*(<[^>]+>)/im.exec(f)?.[1] ?? '(none)');
}

/** Postfix's smtp-sink as a relay target; -f/-r make it refuse commands hard or soft. */
export async function startSmtpSink(options: { hardFail?: string; softFail?: string } = {}): Promise<{ port: number; dumpDir: string; messages: () => string[]; stop: () => Promise<void> }> {
  const sink = requireTool('smtp-sink');
  const port = await freePort();
  const dumpDir = tempDir('sink');
  fs.chmodSync(dumpDir, 0o777);
  // As root smtp-sink insists on dropping privileges.
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), '-d', `${dumpDir}/%M.`];
  if (options.hardFail) args.push('-f', options.hardFail);
  if (options.softFail) args.push('-r', options.softFail);
  args.push(`127.0.0.1:${port}`, '64');
  const child = spawn(sink, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  startedChildren.push(child);
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await waitFor('smtp-sink to listen', async () => {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited: ${output}`);
    return portOpen(port);
  });
  return {
    port,
    dumpDir,
    messages: () => fs.readdirSync(dumpDir).sort().map((f) => fs.readFileSync(path.join(dumpDir, f), 'latin1')),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The SMTP AUTH name of the credential the MTA generates for the site and the notice worker. */
export const SUBMISSION_USER = 'tayori-submission';

/** The submission password the MTA generated in its data directory on first start. */
export function submissionPassword(dataDir: string): string {
  return fs.readFileSync(path.join(dataDir, 'submission-password'), 'utf8').trim();
}

/** A self-signed certificate for `name` (also valid for 127.0.0.1), made with openssl. */
export function selfSignedCertificate(name = 'mx.tayori.test'): { key: string; cert: string } {
  const dir = tempDir('cert');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const made = spawnSync(requireTool('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},IP:127.0.0.1`], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { key, cert };
}

/** Resident memory of a process now (VmRSS) or at its highest so far (VmHWM), in MiB. */
export function residentMiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024;
}
