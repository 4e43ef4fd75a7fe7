// Bounces and complaints come back, end to end and without the site: the notice worker
// (worker/main.ts) sends through the bundled MTA, which accepts each copy and relays it to a
// remote server (a local SMTP sink). Where that server refuses a recipient after the MTA accepted
// the copy, the MTA's own DSN goes to the copy's return path (VERP), lands in the bounce mailbox
// and is applied: after NOTICE_MAX_HARD_BOUNCES such notices the subscriber is paused. A DSN and an
// ARF complaint built as a remote server builds them are sent over SMTP to the MTA as an outside
// server would; a report to a return path with a forged signature changes nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type TestDatabase } from '../../support/database';
import { startMailSink, type MailSink, type ReceivedMail } from '../../support/mail-sink';
import { migratedSqlite, type MigratedDatabase } from '../../support/migrated-database';
import { openSession, readMailbox, ROOT, startMta, track, waitFor, type MtaProcess } from './helpers';

const DOMAIN = 'status.tayori.test';
const MAX_HARD_BOUNCES = 3;
const FIXTURES = path.join(ROOT, 'lib/notices/bounces/fixtures');
const GONE = 'gone@example.net';
const LATER = 'later@example.jp';
const QUIT = 'quit@example.org';
const KEPT = 'kept@example.com';

let database: MigratedDatabase;
let db: TestDatabase;
let sink: MailSink;
let mta: MtaProcess;
let worker: ChildProcess;
let workerLog = '';
const ids = new Map<string, string>();
let noticeCount = 0;

beforeAll(async () => {
  database = migratedSqlite('notices-bounces');
  db = openDatabase(database.url);
  for (const email of [GONE, LATER, QUIT, KEPT]) ids.set(email, (await db.subscriber.create({ data: { email, status: 'active', confirmedAt: new Date() } })).id);
  sink = await startMailSink();
  // The remote server takes everything but this mailbox, which it refuses once the MTA relays.
  sink.reject(GONE, '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown in virtual mailbox table');
  mta = await startMta({
    env: { SMTP_RELAY_URL: sink.url, NOTICE_FROM_ADDRESS: `status@${DOMAIN}`, MTA_GREETING_DELAY_MS: '0' },
  });
  worker = track(
    spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'worker/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        // The MTA's: the worker finds the submission password and the bounce Maildir there.
        DATA_DIR: mta.dataDir,
        SMTP_URL: `smtp://127.0.0.1:${mta.smtpPort}`,
        NOTICE_FROM_ADDRESS: `status@${DOMAIN}`,
        NOTICE_TOKEN_SECRET: 'bounces-e2e-secret-0123456789abcdef01234',
        NOTICE_MAX_HARD_BOUNCES: String(MAX_HARD_BOUNCES),
        NOTICE_POLL_MS: '100',
        BOUNCE_POLL_SECONDS: '0.3',
        DKIM_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  worker.stdout!.on('data', (d) => (workerLog += d));
  worker.stderr!.on('data', (d) => (workerLog += d));
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await mta?.stop();
  await sink?.stop();
  await db?.$disconnect();
  await database?.drop();
});

/** A notice for every active subscriber, as lib/notices/enqueue.ts writes it; waits until the remote server has every copy it accepts. */
async function sendNotice(): Promise<string> {
  noticeCount++;
  const notice = await db.notice.create({
    data: { kind: 'incident_update', dedupeKey: `bounces-${noticeCount}`, subjectJa: `続報 ${noticeCount}`, subjectEn: `Update ${noticeCount}`, textJa: '本文', textEn: 'Body', htmlJa: '<p>本文</p>', htmlEn: '<p>Body</p>' },
  });
  const active = await db.subscriber.findMany({ where: { status: 'active' } });
  for (const s of active) {
    await db.noticeDelivery.create({ data: { id: `${notice.id}.${s.id}`, noticeId: notice.id, subscriberId: s.id, lang: 'ja', messageId: `<${notice.id}.${s.id}@${DOMAIN}>` } });
  }
  for (const s of active.filter((a) => a.email !== GONE)) await sink.waitFor((m) => m.to === s.email && m.raw.includes(notice.id), `${s.email}'s copy of notice ${noticeCount}`);
  return notice.id;
}

const subscriber = (email: string) => db.subscriber.findUniqueOrThrow({ where: { email }, select: { status: true, hardBounces: true } });
const copy = (noticeId: string, email: string) => db.noticeDelivery.findUniqueOrThrow({ where: { id: `${noticeId}.${ids.get(email)}` } });
const copyAtSink = (noticeId: string, email: string): ReceivedMail => sink.messages.find((m) => m.to === email && m.raw.includes(noticeId))!;
const diagnostics = () => `worker said:\n${workerLog.slice(-3000)}\nMTA said:\n${mta.output().slice(-3000)}`;

async function until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(what, check, 20_000, 100).catch((error: Error) => Promise.reject(new Error(`${error.message}\n${diagnostics()}`))) as Promise<T>;
}

/** Sends `report` to the MTA as a remote server returning a report would: null sender, no login. */
async function sendReport(to: string, report: string): Promise<void> {
  const { smtp } = await openSession(mta.smtpPort, 'mx1.example.net');
  expect(await smtp.command('MAIL FROM:<>')).toMatch(/^250/);
  expect(await smtp.command(`RCPT TO:<${to}>`)).toMatch(/^250/);
  expect(await smtp.command('DATA')).toMatch(/^354/);
  smtp.write(`${report.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.\r\n`);
  expect(await smtp.reply()).toMatch(/^250/);
  await smtp.command('QUIT');
  smtp.close();
}

/** A fixture report, made out to `returnPath` instead of the one it was written for. */
function fixtureTo(name: string, returnPath: string, messageId: string): string {
  return readFileSync(path.join(FIXTURES, name), 'latin1')
    .replace(/^(Return-Path|Delivered-To): .*\r?\n/gm, '')
    .replace(/bounces\+[a-z0-9.]+@status\.example\.com/g, returnPath)
    .replace(/cm4notice0000000000000abc123\.cm4subscriber000000000000\d@status\.example\.com/g, messageId.slice(1, -1));
}

describe('bounces and complaints that come back to a notice’s return path', () => {
  it('each copy leaves with a return path of its own at the notices’ domain', async () => {
    const first = await sendNotice().catch((error) => Promise.reject(new Error(`${error.message}\n${diagnostics()}`)));
    const paths = [LATER, QUIT, KEPT].map((email) => copyAtSink(first, email).from);
    for (const p of paths) expect(p).toMatch(new RegExp(`^bounces\\+[a-z0-9]+\\.[a-z0-9]{6}\\.[0-9a-f]{16}@${DOMAIN.replace(/\./g, '\\.')}$`));
    expect(new Set(paths).size).toBe(3);
  });

  it('pauses a subscriber whose remote server accepted nothing after the MTA did, once NOTICE_MAX_HARD_BOUNCES notices bounced', async () => {
    const first = (await db.notice.findFirstOrThrow({ where: { dedupeKey: 'bounces-1' } })).id;
    // The MTA took the copy (sent), the remote server refused it, and the MTA's report came back.
    const bounced = await until('the first copy to bounce', async () => {
      const c = await copy(first, GONE);
      return c.bounceKind === 'hard' && c;
    });
    expect(bounced.status).toBe('sent');
    expect(bounced.bounceDiagnostic).toMatch(/^5\.1\.1 smtp; 550 5\.1\.1 <gone@example\.net>: Recipient address rejected: User unknown/);
    // The subscriber's record follows the copy's (the worker writes the copy first).
    await until('one hard bounce on the subscriber', async () => (await subscriber(GONE)).hardBounces === 1);
    expect(await subscriber(GONE)).toEqual({ status: 'active', hardBounces: 1 });
    for (let n = 2; n <= MAX_HARD_BOUNCES; n++) {
      const notice = await sendNotice();
      await until(`copy ${n} to bounce`, async () => (await copy(notice, GONE)).bounceKind === 'hard');
    }
    await until('the subscriber paused', async () => (await subscriber(GONE)).status === 'paused');
    expect(await subscriber(GONE)).toEqual({ status: 'paused', hardBounces: MAX_HARD_BOUNCES });
    // The MTA's reports never left for the network; each was read and removed from the mailbox.
    expect(sink.messages.filter((m) => m.to.startsWith('bounces'))).toEqual([]);
    await until('the bounce mailbox emptied', async () => readMailbox(mta.dataDir, `bounces@${DOMAIN}`).length === 0);
    // A paused subscriber is sent nothing more.
    const after = await sendNotice();
    expect(await db.noticeDelivery.count({ where: { noticeId: after, subscriberId: ids.get(GONE) } })).toBe(0);
  });

  it('applies a DSN a remote server sends later (Postfix’s, user unknown) to the copy its return path names', async () => {
    const first = (await db.notice.findFirstOrThrow({ where: { dedupeKey: 'bounces-1' } })).id;
    const atSink = copyAtSink(first, LATER);
    await sendReport(atSink.from, fixtureTo('postfix-dsn-5.1.1.eml', atSink.from, (await copy(first, LATER)).messageId));
    const c = await until('the remote DSN applied', async () => {
      const found = await copy(first, LATER);
      return found.bounceKind === 'hard' && found;
    });
    expect(c.bounceDiagnostic).toMatch(/^5\.1\.1 smtp; 550 5\.1\.1 <gone@example\.net>/);
    expect(await subscriber(LATER)).toEqual({ status: 'active', hardBounces: 0 });
  });

  it('unsubscribes a subscriber who marked a notice as spam (ARF abuse report)', async () => {
    const first = (await db.notice.findFirstOrThrow({ where: { dedupeKey: 'bounces-1' } })).id;
    const atSink = copyAtSink(first, QUIT);
    await sendReport(atSink.from, fixtureTo('arf-abuse.eml', atSink.from, (await copy(first, QUIT)).messageId));
    await until('the complaint applied', async () => (await subscriber(QUIT)).status === 'unsubscribed');
    expect((await copy(first, QUIT)).bounceKind).toBe('complaint');
  });

  it('changes nothing for a report to a return path whose signature is forged, and counts it', async () => {
    const first = (await db.notice.findFirstOrThrow({ where: { dedupeKey: 'bounces-1' } })).id;
    const genuine = copyAtSink(first, KEPT).from;
    const forged = genuine.replace(/\.[0-9a-f]{16}@/, '.0123456789abcdef@');
    expect(forged).not.toBe(genuine);
    await sendReport(forged, fixtureTo('postfix-dsn-5.1.1.eml', forged, (await copy(first, KEPT)).messageId));
    await sendReport(forged, fixtureTo('arf-abuse.eml', forged, (await copy(first, KEPT)).messageId));
    await until('the forged reports read and counted', async () => /bounces: .*forged=2/.test(workerLog));
    expect(await subscriber(KEPT)).toEqual({ status: 'active', hardBounces: 0 });
    expect(await db.noticeDelivery.count({ where: { subscriberId: ids.get(KEPT), bounceKind: { not: null } } })).toBe(0);
    expect(readMailbox(mta.dataDir, `bounces@${DOMAIN}`)).toEqual([]);
  });
});
