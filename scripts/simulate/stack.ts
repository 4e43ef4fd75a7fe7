// The whole system as separate processes, as `npm start` runs it: the Next.js production server,
// the notice worker and the bundled MTA, on fixed ports so that each can be killed and started
// again while the others keep going. Each stack has its own copy of a prepared database and of
// a production build (without its data cache), and its own MTA data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { freePort, waitFor } from '../lib/wait.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export type Part = 'site' | 'worker' | 'mta';

export interface StackOptions {
  name: string;
  /** A directory of its own for databases, Maildirs and logs. */
  workDir: string;
  /** A production build (relative to the project), copied for this stack. */
  distDir: string;
  /** A migrated and seeded SQLite database file, copied for this stack. */
  templateDb: string;
  siteEnv?: Record<string, string>;
  mtaEnv?: Record<string, string>;
}

export { freePort, waitFor };

// Whatever happens to the simulator (an error, Ctrl-C), nothing it started may outlive it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const INGEST_TOKEN = 'simulate-ingest-token-0123456789abcdef';
const ADMIN_TOKEN = 'simulate-admin-token-0123456789';

export class Stack {
  readonly databaseFile: string;
  readonly mtaDataDir: string;
  readonly distDir: string;
  ports = { site: 0, smtp: 0, mtaHttp: 0 };
  private readonly processes: Partial<Record<Part, ChildProcess>> = {};
  private readonly logs: Partial<Record<Part, WriteStream>> = {};
  private readonly outputs: Record<Part, string> = { site: '', worker: '', mta: '' };

  constructor(readonly options: StackOptions) {
    mkdirSync(options.workDir, { recursive: true });
    this.databaseFile = path.join(options.workDir, 'site.db');
    this.mtaDataDir = path.join(options.workDir, 'mta');
    this.distDir = `${options.distDir}-sim-${options.name}-${process.pid}`;
  }

  get siteUrl() {
    return `http://127.0.0.1:${this.ports.site}`;
  }

  get mailRoot() {
    return path.join(this.mtaDataDir, 'mail');
  }

  /** Copies the database and the build; picks the ports every restart will use again. */
  async prepare(): Promise<void> {
    copyFileSync(this.options.templateDb, this.databaseFile);
    rmSync(path.join(ROOT, this.distDir), { recursive: true, force: true });
    cpSync(path.join(ROOT, this.options.distDir), path.join(ROOT, this.distDir), { recursive: true, filter: (src) => path.basename(src) !== 'cache' });
    this.ports = { site: await freePort(), smtp: await freePort(), mtaHttp: await freePort() };
  }

  private siteEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_DIST_DIR: this.distDir,
      DATABASE_URL: `file:${this.databaseFile}`,
      DATA_DIR: path.join(this.options.workDir, 'site-data'),
      INGEST_TOKEN,
      SITE_URL: this.siteUrl,
      NOTICE_TOKEN_SECRET: 'simulate-notice-secret-0123456789abcdef',
      NOTICE_FROM_ADDRESS: 'status@tayori.test',
      // The console and the report drafts read this stack's MTA (its event log, blocklist, queue).
      MTA_ADMIN_URL: `http://127.0.0.1:${this.ports.mtaHttp}`,
      MTA_ADMIN_TOKEN: ADMIN_TOKEN,
      ...this.options.siteEnv,
    };
  }

  private mtaEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      MTA_DATA_DIR: this.mtaDataDir,
      SMTP_PORT: String(this.ports.smtp),
      MTA_HTTP_PORT: String(this.ports.mtaHttp),
      MTA_HOSTNAME: 'mx.sim.tayori.test',
      MTA_ADMIN_TOKEN: ADMIN_TOKEN,
      MTA_SOURCE_ID: 'sim-mx',
      SITE_URL: this.siteUrl,
      INGEST_TOKEN,
      // Only the notice worker's own address is trusted: the simulated clients on 127.x.y.z are strangers.
      MTA_TRUSTED_NETWORKS: '127.0.0.1/32,::1',
      ...this.options.mtaEnv,
    };
  }

  private launch(part: Part, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    this.logs[part] ??= createWriteStream(path.join(this.options.workDir, `${part}.log`), { flags: 'a' });
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.outputs[part] = '';
    const keep = (chunk: Buffer) => {
      this.logs[part]!.write(chunk);
      this.outputs[part] = (this.outputs[part] + chunk.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.processes[part] = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  }

  async start(part: Part): Promise<void> {
    if (part === 'site') {
      // The site's own server (Next.js behind it), as `npm start` runs it; nginx in front of it in
      // the replay's proxy arm is a trusted proxy, so forwarded addresses are believed from it.
      const child = this.launch('site', ['scripts/site-server.mjs'], { ...this.siteEnv(), PORT: String(this.ports.site), HOST: '127.0.0.1', TRUSTED_PROXIES: '127.0.0.1' });
      await waitFor('the site to answer', async () => {
        if (child.exitCode !== null) throw new Error(`the site exited:\n${this.outputs.site}`);
        return fetch(`${this.siteUrl}/favicon.svg`).then((r) => r.ok, () => false);
      }, 60_000);
    } else if (part === 'worker') {
      this.launch('worker', ['--conditions=react-server', '--import', 'tsx', 'worker/main.ts'], this.siteEnv());
    } else {
      const child = this.launch('mta', ['--import', 'tsx', 'mta/main.ts'], this.mtaEnv());
      await waitFor('the MTA to listen', () => {
        if (child.exitCode !== null) throw new Error(`the MTA exited:\n${this.outputs.mta}`);
        return this.outputs.mta.includes('listening:');
      }, 60_000, 100);
    }
  }

  /** SIGKILL: no chance to finish anything, as in a power cut of that process. */
  async kill(part: Part): Promise<void> {
    const child = this.processes[part];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(part: Part): Promise<void> {
    const child = this.processes[part];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  output(part: Part): string {
    return this.outputs[part];
  }

  async mtaApi(method: string, pathname: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`http://127.0.0.1:${this.ports.mtaHttp}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  /** Stops everything and removes the build copy (the work directory stays for inspection). */
  async shutdown(): Promise<void> {
    await Promise.all((['worker', 'site', 'mta'] as Part[]).map((p) => this.stop(p)));
    for (const log of Object.values(this.logs)) log?.end();
    rmSync(path.join(ROOT, this.distDir), { recursive: true, force: true });
  }
}
