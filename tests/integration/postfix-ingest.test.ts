// `npm run ingest:postfix` against the real site: the Postfix 3.7 fixture and a followed log end up
// as MailMetricRollup rows for their source, one per flow (inbound, outbound) and window, and
// running it again counts nothing twice.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { portOpen, waitFor } from '../../scripts/lib/wait.mjs';
import { openDatabase, type TestDatabase } from '../support/database';
import { freePort, isolatedSite, ROOT, startSite, type RunningSite } from '../support/site';

const FIXTURE = path.resolve(ROOT, 'tests/fixtures/postfix/maillog-postfix-3.7.log');
const token = inject('ingestToken');
let db: TestDatabase;

let site: RunningSite;
let dir: string;
const children: ChildProcess[] = [];
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  // Its own copy of the database and build: the recent windows pushed here must not show up in
  // the other test files' status pages.
  const isolated = isolatedSite('postfix-ingest');
  db = openDatabase(isolated.DATABASE_URL!);
  site = await startSite(isolated);
  dir = mkdtempSync(path.join(tmpdir(), 'postfix-ingest-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const cleanup of cleanups) cleanup();
  await site?.stop();
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

const unique = (name: string) => `postfix@${name}-${process.pid}-${Date.now()}`;

function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ingest-postfix.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, INGEST_TOKEN: token, SITE_URL: '', DATA_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function runCli(args: string[], env: Record<string, string> = {}) {
  const run = startCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

interface Row {
  windowStart: string;
  flow: string;
  delivered: number;
  deferred: number;
  bounced: number;
  delayP95: number | null;
  delayMax: number | null;
  queueDepth: number;
  accepted: number;
  rejected: Record<string, number>;
}

async function storedRows(source: string): Promise<Row[]> {
  const rows = await db.mailMetricRollup.findMany({
    where: { source },
    orderBy: [{ windowStart: 'asc' }, { flow: 'asc' }],
    select: { windowStart: true, flow: true, delivered: true, deferred: true, bounced: true, delayP95: true, delayMax: true, queueDepth: true, accepted: true, rejected: true },
  });
  return rows.map((r) => ({ ...r, windowStart: r.windowStart.toISOString(), rejected: JSON.parse(r.rejected) }));
}

/** The per-flow rows' figures that one row per window held before flows: sums, and the worst delay. */
type WindowTotals = Omit<Row, 'flow' | 'delayP95'>;

/** Each window's two rows (inbound, outbound) added up; a window without both is an error. */
async function storedWindows(source: string): Promise<WindowTotals[]> {
  const rows = await storedRows(source);
  const windows = new Map<string, Row[]>();
  for (const r of rows) windows.set(r.windowStart, [...(windows.get(r.windowStart) ?? []), r]);
  return [...windows].map(([windowStart, pair]) => {
    expect(pair.map((r) => r.flow), `the flows stored for ${windowStart}`).toEqual(['inbound', 'outbound']);
    const rejected: Record<string, number> = {};
    for (const r of pair) for (const [k, v] of Object.entries(r.rejected)) rejected[k] = (rejected[k] ?? 0) + v;
    const add = (key: 'delivered' | 'deferred' | 'bounced' | 'queueDepth' | 'accepted') => pair[0]![key] + pair[1]![key];
    const maxes = pair.map((r) => r.delayMax).filter((v): v is number => v !== null);
    return {
      windowStart,
      delivered: add('delivered'),
      deferred: add('deferred'),
      bounced: add('bounced'),
      delayMax: maxes.length ? Math.max(...maxes) : null,
      queueDepth: add('queueDepth'),
      accepted: add('accepted'),
      rejected,
    };
  });
}

async function eventually<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, what: string, context: () => string = () => '', timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The site prunes raw rollups after two days, so the fixture is replayed as if it were written
// two hours ago: every "Nov 29 06:3M:SS" becomes the same second of a recent minute (UTC).
const BASE = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;
const YEAR = String(new Date(BASE).getUTCFullYear());
function syslogStamp(t: number) {
  const d = new Date(t);
  return `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}
function replayedFixture(minuteOffset: number): string {
  return readFileSync(FIXTURE, 'utf8').replace(/^Nov 29 06:32:(\d\d)/gm, (_, ss: string) => syslogStamp(BASE + minuteOffset * 60_000 + Number(ss) * 1000));
}
const iso = (t: number) => new Date(t).toISOString();

describe('npm run ingest:postfix, once', () => {
  it('pushes the fixture as one window with what grep counts, one row per flow, and a second run counts nothing twice', async () => {
    const file = path.join(dir, 'fixture.log');
    writeFileSync(file, replayedFixture(0));
    const source = unique('fixture');
    const args = ['--site', site.url, '--source', source, '--tz', 'UTC', '--year', YEAR, file];

    const first = await runCli(args);
    expect(first.stderr).toContain('accepted=2 duplicates=0'); // one window: two rollups
    expect(first.stderr).toContain('not_understood=0');
    expect(first.code).toBe(0);

    // 45 × status=sent, 1 deferred, 1 bounced, one "User unknown" rejection; the deferred message is still queued.
    expect(await storedWindows(source)).toEqual([
      { windowStart: iso(BASE + 10_000), delivered: 45, deferred: 1, bounced: 1, delayMax: 3, queueDepth: 1, accepted: 47, rejected: { unknown_recipient: 1 } },
    ]);
    const rows = await storedRows(source);
    expect(rows).toEqual([
      // discard (44 sent); the 46 messages from SMTP clients; the rejection at the door
      { windowStart: iso(BASE + 10_000), flow: 'inbound', delivered: 44, deferred: 0, bounced: 0, delayP95: 0.02, delayMax: 0.03, queueDepth: 0, accepted: 46, rejected: { unknown_recipient: 1 } },
      // smtp: the slow relay's 3 s, tempfail.test deferred and still queued, bounce.test bounced; the non-delivery notice Postfix wrote
      { windowStart: iso(BASE + 10_000), flow: 'outbound', delivered: 1, deferred: 1, bounced: 1, delayP95: 3, delayMax: 3, queueDepth: 1, accepted: 1, rejected: {} },
    ]);
    const outbound = await db.mailMetricRollup.findFirstOrThrow({ where: { source, flow: 'outbound' } });
    expect(JSON.parse(outbound.topDestinations!)).toEqual([
      { domain: 'tempfail.test', waiting: 1, oldest_age_s: 9, last_error: 'host 127.0.0.1[127.0.0.1] said: 450 4.3.0 Error: command failed (in reply to end of DATA command)' },
    ]);
    expect(JSON.parse(outbound.waitingHistogram!).reduce((a: number, b: number) => a + b, 0)).toBe(1);
    // tempfail.test waiting 9 s; bounce.test and slow.test had mail lately and wait for nothing
    expect(JSON.parse(outbound.destinationHistogram!).slice(0, 3)).toEqual([2, 0, 1]);

    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('accepted=0 duplicates=2');
    expect(await storedRows(source)).toEqual(rows);
  });

  it('pushes one window per 10 seconds that had mail', async () => {
    const file = path.join(dir, 'three-minutes.log');
    writeFileSync(file, [0, 1, 2].map(replayedFixture).join(''));
    const source = unique('three');
    const run = await runCli(['--site', site.url, '--source', source, '--tz', 'UTC', '--year', YEAR, file]);
    expect(run.code).toBe(0);
    const windows = await storedWindows(source);
    expect(windows.map((r) => r.windowStart)).toEqual([0, 1, 2].map((m) => iso(BASE + m * 60_000 + 10_000)));
    expect(windows.reduce((sum, r) => sum + r.delivered, 0)).toBe(135);
    expect(windows.map((r) => r.bounced)).toEqual([1, 1, 1]);

    // Run again over the grown log, this time with the token from DATA_DIR/ingest-token as the
    // site writes it: only the new window (its two rollups) is stored.
    appendFileSync(file, replayedFixture(3));
    const dataDir = mkdtempSync(path.join(dir, 'data-'));
    writeFileSync(path.join(dataDir, 'ingest-token'), `${token}\n`);
    const again = await runCli(['--site', site.url, '--source', source, '--tz', 'UTC', '--year', YEAR, file], { INGEST_TOKEN: '', DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('accepted=2 duplicates=6');
    expect((await storedWindows(source)).reduce((sum, r) => sum + r.delivered, 0)).toBe(180);
  });

  it('exits non-zero with a clear message when the site refuses the token, and stores nothing', async () => {
    const file = path.join(dir, 'refused.log');
    writeFileSync(file, replayedFixture(0));
    const source = unique('refused');
    const run = await runCli(['--site', site.url, '--source', source, '--tz', 'UTC', '--year', YEAR, file], { INGEST_TOKEN: 'not-the-token-at-all' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused the ingest token \(401\)/);
    expect(await storedRows(source)).toHaveLength(0);
  });

  it('sends the recent windows of a log that reaches back past the site\'s retention, and exits non-zero naming the refusal', async () => {
    const file = path.join(dir, 'old-and-new.log');
    const threeDaysAgo = new Date(BASE - 3 * 86_400_000);
    const old = readFileSync(FIXTURE, 'utf8').replace(/^Nov 29 06:32:(\d\d)/gm, (_, ss: string) => syslogStamp(threeDaysAgo.getTime() + Number(ss) * 1000));
    writeFileSync(file, old + replayedFixture(7));
    const source = unique('retention');
    const run = await runCli(['--site', site.url, '--source', source, '--tz', 'UTC', '--year', String(threeDaysAgo.getUTCFullYear()), file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/1 window\(s\) refused by the site and skipped; the first refusal: .*older than the \d+-day retention/);
    expect((await storedWindows(source)).map((r) => [r.windowStart, r.delivered])).toEqual([[iso(BASE + 7 * 60_000 + 10_000), 45]]);
  });

  it('exits non-zero, saying so, when the site stays unreachable', async () => {
    const file = path.join(dir, 'unreachable.log');
    writeFileSync(file, replayedFixture(0));
    const closedPort = await freePort();
    const run = await runCli(['--site', `http://127.0.0.1:${closedPort}`, '--retry-for', '1', '--tz', 'UTC', '--year', YEAR, file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unreachable .*ECONNREFUSED/);
    expect(run.stderr).toMatch(/1 window\(s\) not sent/);
  });
});

describe('npm run ingest:postfix --follow', () => {
  it('pushes windows as they complete, through a partial line, a rotation and a truncation, each line once', async () => {
    const file = path.join(dir, 'follow.log');
    const source = unique('follow');
    const t0 = BASE + 30 * 60_000; // RFC 3339 stamps this time, as rsyslog's high-precision format writes them
    let n = 0;
    const sent = (offsetS: number, delay = 0.5) =>
      `${new Date(t0 + offsetS * 1000).toISOString()} mx2 postfix/smtp[4242]: F${String(++n).padStart(9, '0')}: to=<u@x.test>, relay=mx.x.test[192.0.2.1]:25, delay=${delay}, delays=0.1/0.1/0.1/${delay - 0.3}, dsn=2.0.0, status=sent (250 2.0.0 Ok)\n`;

    const fourth = sent(2, 4.5);
    writeFileSync(file, sent(1) + sent(1) + sent(1, 2.5) + fourth.slice(0, 40));
    const diagnostics = () => `ingest-postfix said:\n${cli.stderr()}\nthe site said:\n${site.output().slice(-3000)}`;
    const cli = startCli(['--follow', '--site', site.url, '--source', source, '--poll-ms', '50', '--idle-flush', '2', '--stats-every', '1', file]);
    await eventually(() => cli.stderr(), (s) => s.includes('following'), 'the follower to start', diagnostics);

    // The partial line is completed; a line 25 s later completes the first window.
    appendFileSync(file, fourth.slice(40) + sent(25));
    const firstWindow = await eventually(() => storedWindows(source), (r) => r.length >= 1, 'the first window', diagnostics);
    expect(firstWindow[0]).toMatchObject({ windowStart: iso(t0), delivered: 4, delayMax: 4.5 });

    // logrotate (create): rename, new file.
    renameSync(file, `${file}.1`);
    writeFileSync(file, sent(31) + sent(33));
    await eventually(() => storedWindows(source), (r) => r.length >= 3, 'the windows of the rotated and the new file', diagnostics);

    // copytruncate: the file shrinks to nothing and starts again; a garbage line is counted, not fatal.
    truncateSync(file, 0);
    appendFileSync(file, 'this is not a postfix line\n' + sent(61));
    await eventually(() => storedWindows(source), (r) => r.length >= 4, 'the window after truncation', diagnostics);

    await eventually(() => cli.stderr(), (s) => /not_understood=1 .*pending=0/.test(s.split('\n').filter(Boolean).at(-1) ?? ''), 'the periodic counts', diagnostics);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    // pushed, accepted: rollups, two per window
    expect(cli.stderr()).toMatch(/stopped: lines=9 events=8 ignored=0 other_programs=0 not_understood=1 late=0 windows=4 pushed=8 accepted=8 duplicates=0 pending=0/);
    expect((await storedWindows(source)).map((r) => [r.windowStart, r.delivered])).toEqual([
      [iso(t0), 4],
      [iso(t0 + 20_000), 1],
      [iso(t0 + 30_000), 2],
      [iso(t0 + 60_000), 1],
    ]);
  });
});

// A private Postfix instance (own config, queue, port and log file; chroot off), fed by a real SMTP
// client, with smtp-sink playing a relay that bounces, one that defers and one that is slow.
const POSTFIX = '/usr/sbin/postfix';
const SMTP_SINK = '/usr/sbin/smtp-sink';
const canRunPostfix = existsSync(POSTFIX) && existsSync(SMTP_SINK) && process.getuid?.() === 0;

describe('with a real Postfix', () => {
  it.skipIf(!canRunPostfix)(
    'parses the log of a private Postfix instance: every delivery, deferral, bounce and rejection, in its flow, stored per flow by the site' +
      (canRunPostfix ? '' : ' [skipped: needs root and the Debian postfix package (scripts/ci/install-mail-tools.sh) for postfix and smtp-sink]'),
    async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'postfix-instance-'));
      chmodSync(home, 0o755); // Postfix's daemons run as the postfix user and must reach the queue
      const etc = path.join(home, 'etc');
      const maillog = path.join(home, 'maillog');
      for (const d of ['etc', 'queue', 'data']) mkdirSync(path.join(home, d));
      const postfixUser = spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' });
      const postfixGroup = spawnSync('id', ['-g', 'postfix'], { encoding: 'utf8' });
      chownSync(path.join(home, 'data'), Number(postfixUser.stdout), Number(postfixGroup.stdout));

      const [smtpdPort, bouncePort, deferPort, slowPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      let sinkErrors = '';
      const sink = (args: string[]) => {
        const child = spawn(SMTP_SINK, ['-u', 'nobody', ...args, '10'], { stdio: ['ignore', 'ignore', 'pipe'] });
        child.stderr!.on('data', (d) => (sinkErrors += d));
        return child;
      };
      // -f .: 5xx after DATA (bounce); -r .: 4xx after DATA (deferral); -w 2: answers DATA after 2 s
      const sinks = [sink(['-h', 'bounce.sink', '-f', '.', `127.0.0.1:${bouncePort}`]), sink(['-h', 'defer.sink', '-r', '.', `127.0.0.1:${deferPort}`]), sink(['-h', 'slow.sink', '-w', '2', `127.0.0.1:${slowPort}`])];
      children.push(...sinks);
      cleanups.push(() => rmSync(home, { recursive: true, force: true }));
      writeFileSync(
        path.join(etc, 'main.cf'),
        [
          'compatibility_level = 3.6',
          `queue_directory = ${home}/queue`,
          `data_directory = ${home}/data`,
          'mail_owner = postfix',
          'setgid_group = postdrop',
          'myhostname = postfix-ingest.invalid',
          'mydestination =',
          'inet_interfaces = 127.0.0.1',
          'inet_protocols = ipv4',
          `maillog_file = ${maillog}`,
          `maillog_file_prefixes = ${home}`,
          'alias_maps =',
          'alias_database =',
          'biff = no',
          'relay_domains = ok.test, bounce.test, defer.test, slow.test',
          'relay_recipient_maps = inline:{ {a@ok.test=ok}, {b@ok.test=ok}, {f@ok.test=ok}, {s@ok.test=ok}, {c@bounce.test=ok}, {d@defer.test=ok}, {g@defer.test=ok}, {e@slow.test=ok} }',
          `transport_maps = inline:{ {ok.test=discard:}, {bounce.test=smtp:[127.0.0.1]:${bouncePort}}, {defer.test=smtp:[127.0.0.1]:${deferPort}}, {slow.test=smtp:[127.0.0.1]:${slowPort}} }`,
          'smtpd_recipient_restrictions = reject_unauth_destination',
          '',
        ].join('\n'),
      );
      const services = [
        `127.0.0.1:${smtpdPort} inet n - n - - smtpd`,
        'cleanup unix n - n - 0 cleanup',
        'qmgr unix n - n 300 1 qmgr',
        'rewrite unix - - n - - trivial-rewrite',
        'bounce unix - - n - 0 bounce',
        'defer unix - - n - 0 bounce',
        'trace unix - - n - 0 bounce',
        'verify unix - - n - 1 verify',
        'proxymap unix - - n - - proxymap',
        'smtp unix - - n - - smtp',
        'relay unix - - n - - smtp',
        'error unix - - n - - error',
        'retry unix - - n - - error',
        'discard unix - - n - - discard',
        'pickup unix n - n 60 1 pickup',
        'anvil unix - - n - 1 anvil',
        'scache unix - - n - 1 scache',
        'postlog unix-dgram n - n - 1 postlogd',
      ];
      writeFileSync(path.join(etc, 'master.cf'), services.join('\n') + '\n');

      const postfix = (command: string) => spawnSync(POSTFIX, ['-c', etc, command], { encoding: 'utf8', timeout: 20_000 });
      cleanups.unshift(() => void postfix('stop')); // also when the test is interrupted
      try {
        const started = postfix('start');
        expect(started.status, `postfix start: ${started.stderr}${existsSync(maillog) ? readFileSync(maillog, 'utf8') : ''}`).toBe(0);
        for (const port of [smtpdPort, bouncePort, deferPort, slowPort]) await waitFor(`something to listen on ${port}`, () => portOpen(port), 15_000).catch((e: Error) => Promise.reject(new Error(`${e.message}: ${sinkErrors}`)));

        const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpdPort, secure: false, ignoreTLS: true });
        const send = (to: string) => smtp.sendMail({ from: 's@ok.test', to, subject: `test for ${to}`, text: 'Tayori ingest test\n' });
        for (const to of ['a@ok.test', 'b@ok.test', 'c@bounce.test', 'd@defer.test', 'e@slow.test']) await send(to);
        // one message for both flows: f is delivered here (discard), g waits for a remote that defers
        await smtp.sendMail({ from: 's@ok.test', to: ['f@ok.test', 'g@defer.test'], subject: 'test for both flows', text: 'Tayori ingest test\n' });
        // a local submission (sendmail → pickup), as a web application sends mail
        const sendmail = spawnSync('/usr/sbin/sendmail', ['-C', etc, '-f', 's@ok.test', 'b@ok.test'], { input: 'Subject: local submission\n\nTayori ingest test\n', encoding: 'utf8', timeout: 20_000 });
        expect(sendmail.status, `sendmail: ${sendmail.stderr}`).toBe(0);
        await expect(send('nosuch@ok.test')).rejects.toThrow(/550 5\.1\.1/);
        await expect(send('z@elsewhere.test')).rejects.toThrow(/Relay access denied/);
        smtp.close();

        const count = (re: RegExp) => (readFileSync(maillog, 'utf8').match(re) ?? []).length;
        // a, b, e, f, the local submission and the non-delivery notice to s@ok.test are delivered; c bounces; d and g are deferred.
        await eventually(
          () => [count(/ status=sent /g), count(/ status=bounced /g), count(/ status=deferred /g), count(/ removed$/gm)],
          ([sent, bounced, deferred, removed]) => sent >= 6 && bounced >= 1 && deferred >= 2 && removed >= 6,
          'Postfix to deliver, bounce and defer',
        );
      } finally {
        postfix('stop');
        for (const sink of sinks) sink.kill('SIGTERM');
      }

      // The log as Postfix wrote it, local time and all: first what --dry-run would send, then
      // the same log sent to this file's own site.
      const run = await runCli(['--dry-run', '--source', 'postfix@real-instance', maillog]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/ not_understood=0 /);
      const rollups = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
      const sum = (key: string) => rollups.reduce((n, r) => n + r[key], 0);
      const log = readFileSync(maillog, 'utf8');
      const grepCount = (re: RegExp) => (log.match(re) ?? []).length;
      expect(sum('delivered')).toBe(grepCount(/ status=sent /g));
      expect(sum('bounced')).toBe(grepCount(/ status=bounced /g));
      expect(sum('deferred')).toBe(grepCount(/ status=deferred /g));
      const rejected: Record<string, number> = {};
      for (const r of rollups) for (const [k, v] of Object.entries(r.rejected as Record<string, number>)) rejected[k] = (rejected[k] ?? 0) + v;
      expect(rejected).toEqual({ unknown_recipient: 1, relay_denied: 1 });
      // The slow relay waits 2 s before answering DATA: the worst delay says so.
      expect(Math.max(...rollups.map((r) => r.delay_max_s ?? 0))).toBeGreaterThanOrEqual(2);
      expect(rollups.at(-1).queue_depth).toBeGreaterThanOrEqual(1); // the deferred messages are still queued
      const now = Date.now();
      for (const r of rollups) expect(Math.abs(Date.parse(r.window_start) - now)).toBeLessThan(10 * 60_000); // local time read as local time

      // Every window has both flows; the split is the delivery agent's (discard: inbound, smtp: outbound).
      const starts = [...new Set(rollups.map((r) => r.window_start))];
      for (const start of starts) expect(rollups.filter((r) => r.window_start === start).map((r) => r.flow)).toEqual(['inbound', 'outbound']);
      const sumOf = (flow: string, key: string) => rollups.filter((r) => r.flow === flow).reduce((n, r) => n + r[key], 0);
      expect(sumOf('inbound', 'delivered')).toBe(grepCount(/postfix\/discard\[\d+\]: .* status=sent /g));
      expect(sumOf('outbound', 'delivered')).toBe(grepCount(/postfix\/smtp\[\d+\]: .* status=sent /g));
      expect(sumOf('outbound', 'deferred')).toBe(grepCount(/postfix\/smtp\[\d+\]: .* status=deferred /g));
      expect(sumOf('outbound', 'bounced')).toBe(1);
      expect(sumOf('inbound', 'deferred') + sumOf('inbound', 'bounced')).toBe(0);
      // SMTP clients without a login: --waiting-flow (inbound); the local submission and the non-delivery notice: outbound.
      expect(sumOf('inbound', 'accepted')).toBe(grepCount(/postfix\/smtpd\[\d+\]: \w+: client=/g));
      expect(sumOf('outbound', 'accepted')).toBe(grepCount(/postfix\/pickup\[\d+\]: \w+: uid=/g) + grepCount(/sender non-delivery notification: /g));
      expect(sumOf('outbound', 'accepted')).toBe(2);
      for (const r of rollups.filter((r) => r.flow === 'outbound')) expect(r.rejected).toEqual({});
      // At the end, the two messages for defer.test wait in outbound; nothing waits in inbound.
      const [lastInbound, lastOutbound] = rollups.slice(-2);
      expect(lastInbound).toMatchObject({ flow: 'inbound', queue_depth: 0, top_destinations: [] });
      expect(lastOutbound).toMatchObject({ flow: 'outbound', queue_depth: 2 });
      expect(lastOutbound.top_destinations).toEqual([{ domain: 'defer.test', waiting: 2, oldest_age_s: expect.any(Number), last_error: expect.stringMatching(/said: 4\d\d /) }]);

      // The same log sent to the site: stored per (source, flow).
      const source = unique('real-instance');
      const pushed = await runCli(['--site', site.url, '--source', source, maillog]);
      expect(pushed.code, pushed.stderr).toBe(0);
      const rows = await db.mailMetricRollup.findMany({ where: { source }, orderBy: [{ windowStart: 'asc' }, { flow: 'asc' }] });
      expect(rows).toHaveLength(rollups.length);
      for (const flow of ['inbound', 'outbound']) {
        const stored = rows.filter((r) => r.flow === flow);
        expect(stored.map((r) => r.windowStart.toISOString())).toEqual(starts);
        expect(stored.reduce((n, r) => n + r.delivered, 0)).toBe(sumOf(flow, 'delivered'));
        expect(stored.reduce((n, r) => n + r.deferred, 0)).toBe(sumOf(flow, 'deferred'));
        expect(stored.reduce((n, r) => n + r.accepted, 0)).toBe(sumOf(flow, 'accepted'));
      }
      const lastStored = rows.filter((r) => r.flow === 'outbound').at(-1)!;
      expect(lastStored.queueDepth).toBe(2);
      expect(JSON.parse(lastStored.topDestinations!)).toEqual(lastOutbound.top_destinations);
      expect(JSON.parse(lastStored.waitingHistogram!)).toEqual(lastOutbound.waiting_histogram);
      expect(JSON.parse(lastStored.destinationHistogram!)).toEqual(lastOutbound.destination_histogram);
    },
  );
});
