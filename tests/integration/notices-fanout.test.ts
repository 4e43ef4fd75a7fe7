import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startMailSink, type MailSink } from '../support/mail-sink';
import { startNoticeWorker, type RunningWorker } from '../support/notice-worker';

// The fan-out worker on its own: a notice queued for 1,500 subscribers, the worker killed with
// SIGKILL in the middle, started again; then 4xx retries and hard bounces. The notice rows are
// written here the way lib/notices/enqueue.ts writes them, so the test is about the worker only.
let sink: MailSink;
let db: Database.Database;
let databaseUrl: string;
const workers: RunningWorker[] = [];
const SUBSCRIBERS = 1500;
const CONCURRENCY = 8;

const iso = (d = new Date()) => d.toISOString().replace('Z', '+00:00');

beforeAll(async () => {
  sink = await startMailSink();
  const source = inject('siteDatabaseUrl').replace(/^file:/, '');
  const file = path.join(path.dirname(source), `notices-fanout-${process.pid}.db`);
  copyFileSync(source, file);
  databaseUrl = `file:${file}`;
  db = new Database(file);
});
afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  db?.close();
  await sink?.stop();
});

function worker(extra: Record<string, string> = {}) {
  const w = startNoticeWorker({
    DATABASE_URL: databaseUrl,
    SMTP_URL: sink.url,
    NOTICE_TOKEN_SECRET: 'fanout-secret-0123456789abcdef0123456789',
    NOTICE_FROM_ADDRESS: 'status@tayori.test',
    NOTICE_WORKER_CONCURRENCY: String(CONCURRENCY),
    NOTICE_BATCH_SIZE: '100',
    NOTICE_LEASE_SECONDS: '2',
    NOTICE_RETRY_BASE_SECONDS: '0.2',
    NOTICE_MAX_HARD_BOUNCES: '2',
    ...extra,
  });
  workers.push(w);
  return w;
}

function addSubscribers(emails: string[]): string[] {
  const insert = db.prepare("INSERT INTO Subscriber (id, email, lang, status, allComponents, tokenVersion, hardBounces, createdAt, updatedAt) VALUES (?, ?, ?, 'active', 1, 1, 0, ?, ?)");
  const ids: string[] = [];
  db.transaction(() => {
    emails.forEach((email, i) => {
      const id = `s${randomUUID().replace(/-/g, '')}`;
      ids.push(id);
      insert.run(id, email, i % 2 ? 'en' : 'ja', iso(), iso());
    });
  })();
  return ids;
}

function queueNotice(subscriberIds: string[], subject = 'メール受信の遅延'): string {
  const noticeId = `n${randomUUID().replace(/-/g, '')}`;
  db.prepare('INSERT INTO Notice (id, kind, dedupeKey, subjectJa, subjectEn, textJa, textEn, htmlJa, htmlEn, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    noticeId, 'incident_opened', `test:${noticeId}`, `【障害発生】${subject}`, '[Incident] Mail delay', '本文', 'Body', '<p>本文</p>', '<p>Body</p>', iso(),
  );
  const insert = db.prepare("INSERT INTO NoticeDelivery (id, noticeId, subscriberId, lang, status, attempts, nextAttemptAt, messageId, createdAt) VALUES (?, ?, ?, 'ja', 'pending', 0, ?, ?, ?)");
  db.transaction(() => {
    for (const id of subscriberIds) insert.run(`d${randomUUID().replace(/-/g, '')}`, noticeId, id, iso(), `<${noticeId}.${id}@tayori.test>`, iso());
  })();
  return noticeId;
}

const statusCounts = (noticeId: string) =>
  Object.fromEntries((db.prepare('SELECT status, COUNT(*) AS n FROM NoticeDelivery WHERE noticeId = ? GROUP BY status').all(noticeId) as { status: string; n: number }[]).map((r) => [r.status, r.n]));

async function until(check: () => boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('fan-out worker', () => {
  it('after SIGKILL mid fan-out and a restart, every subscriber has the notice exactly once, under one Message-ID', async () => {
    const emails = Array.from({ length: SUBSCRIBERS }, (_, i) => `user${i}@fanout.test`);
    const ids = addSubscribers(emails);
    const noticeId = queueNotice(ids);

    const first = worker();
    await until(() => sink.messages.length >= 300, 'the first 300 copies');
    await first.kill('SIGKILL');
    const atCrash = statusCounts(noticeId);
    const receivedAtCrash = sink.messages.length;
    expect(receivedAtCrash).toBeLessThan(SUBSCRIBERS); // it really died mid-run
    expect(atCrash.pending ?? 0).toBeGreaterThan(0);

    worker();
    await until(() => (statusCounts(noticeId).sent ?? 0) === SUBSCRIBERS, 'every copy recorded as sent');

    const byAddress = new Map<string, Set<string>>();
    for (const m of sink.messages) {
      if (!m.to.endsWith('@fanout.test')) continue;
      const set = byAddress.get(m.to) ?? new Set<string>();
      set.add(m.parsed.messageId ?? '');
      byAddress.set(m.to, set);
    }
    // Everyone received it, and everyone's copies are one message (one Message-ID, the row's).
    expect(byAddress.size).toBe(SUBSCRIBERS);
    expect([...byAddress.values()].every((s) => s.size === 1)).toBe(true);
    const expected = new Set(ids.map((id) => `<${noticeId}.${id}@tayori.test>`));
    expect([...byAddress.values()].every((s) => expected.has([...s][0]!))).toBe(true);
    // Nobody received it twice: the worker records each copy before the final "." of DATA, so a
    // copy cut off by the kill never reached the sink, and a copy handed over is never repeated.
    const transmitted = sink.messages.filter((m) => m.to.endsWith('@fanout.test')).length;
    console.info(`fan-out crash: ${receivedAtCrash} copies received before SIGKILL, ${transmitted - SUBSCRIBERS} transmitted twice`);
    expect(transmitted).toBe(SUBSCRIBERS);
  });

  it('retries a 4xx later, fails a 5xx, and pauses a subscriber after repeated hard bounces', async () => {
    const [busy, gone] = addSubscribers(['busy@bounce.test', 'gone@bounce.test']);
    sink.reject('busy@bounce.test', '450 4.2.0 mailbox busy');
    sink.reject('gone@bounce.test', '550 5.1.1 no such user');
    const first = queueNotice([busy!, gone!], '一回目');
    await until(() => {
      const rows = db.prepare('SELECT status, attempts FROM NoticeDelivery WHERE noticeId = ? AND subscriberId = ?').get(first, busy) as { status: string; attempts: number };
      return rows.attempts >= 2;
    }, 'a second attempt for the 4xx');
    expect(statusCounts(first)).toMatchObject({ failed: 1 });
    sink.reject('busy@bounce.test', null);
    await sink.waitFor((m) => m.to === 'busy@bounce.test', 'the retried copy');
    await until(() => statusCounts(first).sent === 1, 'the retried copy recorded');

    const second = queueNotice([busy!, gone!], '二回目');
    await until(() => statusCounts(second).failed === 1 && statusCounts(second).sent === 1, 'the second notice');
    const status = (id: string) => (db.prepare('SELECT status FROM Subscriber WHERE id = ?').get(id) as { status: string }).status;
    await until(() => status(gone!) === 'paused', 'the subscriber paused after two hard bounces');
    expect(status(busy!)).toBe('active');

    // A paused subscriber's later copies are skipped, not sent.
    const third = queueNotice([busy!, gone!], '三回目');
    await until(() => statusCounts(third).sent === 1 && statusCounts(third).skipped === 1, 'the third notice');
    expect(sink.messages.filter((m) => m.to === 'gone@bounce.test')).toHaveLength(0);
  });
});
