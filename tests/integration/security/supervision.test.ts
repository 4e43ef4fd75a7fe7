import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureIngestToken } from '../../../scripts/lib/ingest-token.mjs';
import { waitFor } from '../../../scripts/lib/wait.mjs';
import { copyDatabase, freePort, isolatedBuild, ROOT, siteEnv } from '../../support/site';

// Finding 9: after SIGKILL of the MTA, `npm start` logged "mta exited (SIGKILL); stopping" and
// took the site and the notice worker down with it. The launcher now starts a crashed process
// again and leaves the others running. Finding 10 (launcher part): nothing it prints, its
// children's output included, is a secret from the data directory.

let launcher: ChildProcess;
let log = '';
let dataDir: string;
let distDir: string;
let siteUrl: string;
let mtaUrl: string;

const pidsOf = (name: string) => [...log.matchAll(new RegExp(`tayori: ${name} started \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const answers = async (url: string) => (await fetch(url).catch(() => null))?.status === 200;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tayori-supervision-'));
  distDir = isolatedBuild('supervision');
  const [sitePort, smtpPort, mtaPort] = [await freePort(), await freePort(), await freePort()];
  siteUrl = `http://127.0.0.1:${sitePort}`;
  mtaUrl = `http://127.0.0.1:${mtaPort}`;
  const env = siteEnv({
    DATABASE_URL: copyDatabase('supervision'),
    NEXT_DIST_DIR: distDir,
    DATA_DIR: dataDir,
    // Generated in the data directory, as on a first `npm start`, so the scan below has them to look for.
    INGEST_TOKEN: '',
    MTA_ADMIN_TOKEN: '',
    NOTICE_TOKEN_SECRET: '',
    PORT: String(sitePort),
    HOST: '127.0.0.1',
    SITE_URL: siteUrl,
    SMTP_PORT: String(smtpPort),
    MTA_HTTP_PORT: String(mtaPort),
    MTA_ADMIN_URL: mtaUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  });
  ensureIngestToken(dataDir);
  // `npm start` after its preparation: the same processes, supervised the same way.
  launcher = spawn(process.execPath, ['--input-type=module', '-e', "const { run } = await import('./scripts/start.mjs'); await run(process.env);"], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launcher.stdout!.on('data', (d) => (log += d));
  launcher.stderr!.on('data', (d) => (log += d));
  await waitFor('the site, the MTA and the worker', async () => (await answers(`${siteUrl}/`)) && (await answers(`${mtaUrl}/healthz`)) && pidsOf('worker').length > 0, 120_000, 250);
}, 180_000);

afterAll(() => {
  if (launcher?.exitCode === null) launcher.kill('SIGKILL');
  for (const name of ['site', 'mta', 'worker']) for (const pid of pidsOf(name)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(path.join(ROOT, distDir), { recursive: true, force: true });
});

describe('npm start keeps running when a process dies', () => {
  it('starts a killed MTA and notice worker again, and the site answers throughout', async () => {
    const [mta] = pidsOf('mta');
    const [worker] = pidsOf('worker');
    let polls = 0;
    const failures: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const status = (await fetch(`${siteUrl}/`).catch((e: Error) => e.message)) as Response | string;
        polls++;
        if (typeof status === 'string' || status.status !== 200) failures.push(typeof status === 'string' ? status : String(status.status));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    process.kill(mta!, 'SIGKILL');
    process.kill(worker!, 'SIGKILL');
    await waitFor('a new MTA and worker', () => pidsOf('mta').length === 2 && pidsOf('worker').length === 2, 60_000, 100);
    await waitFor('the new MTA to answer', () => answers(`${mtaUrl}/healthz`), 60_000, 250);
    polling = false;
    await poller;

    expect(log).toMatch(/tayori: mta exited \(SIGKILL\) after .*; starting it again in 1\.0 s/);
    expect(log).toMatch(/tayori: worker exited \(SIGKILL\) after .*; starting it again in 1\.0 s/);
    expect(log).not.toMatch(/tayori: stopping/);
    expect(alive(pidsOf('worker')[1]!)).toBe(true);
    expect(polls).toBeGreaterThan(5);
    expect(failures).toEqual([]);
  });

  it('starts a killed site again too', async () => {
    process.kill(pidsOf('site')[0]!, 'SIGKILL');
    await waitFor('a new site', () => pidsOf('site').length === 2, 30_000, 100);
    await waitFor('the new site to answer', () => answers(`${siteUrl}/`), 60_000, 250);
    expect(log).toMatch(/tayori: site exited \(SIGKILL\) after .*; starting it again in 1\.0 s/);
  });

  it('SIGTERM still stops everything, and nothing it printed is a secret from the data directory', async () => {
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    launcher.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const name of ['site', 'mta', 'worker']) for (const pid of pidsOf(name)) expect(alive(pid), `${name} ${pid}`).toBe(false);

    const secrets = secretFiles(dataDir).map((file) => ({ file: path.relative(dataDir, file), value: readFileSync(file, 'utf8').trim() }));
    // The DKIM key a default install generates on first start is one of them.
    expect(secrets.map((s) => s.file).sort()).toEqual(expect.arrayContaining(['ingest-token', path.join('mta', 'admin-token'), path.join('dkim', 'tayori.private.pem')]));
    for (const { file, value } of secrets) expect(value.length, file).toBeGreaterThanOrEqual(16);
    // A PEM key leaks as well through any one of its lines.
    const pieces = (value: string) => (value.includes('PRIVATE KEY') ? value.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line)) : [value]);
    const leaked = secrets.filter(({ value }) => pieces(value).some((piece) => log.includes(piece))).map((s) => s.file);
    expect(leaked, `launcher output:\n${log}`).toEqual([]);
  });
});

/** Files under the data directory whose name says they hold a token, secret or key (PEM files included). */
function secretFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return secretFiles(file);
    return /token|secret|key|\.pem$/i.test(name) && !/\.(db|db-wal|db-shm)$/.test(name) ? [file] : [];
  });
}
