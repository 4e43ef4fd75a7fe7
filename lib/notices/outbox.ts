import 'server-only';
import { randomUUID } from 'node:crypto';
import { db } from '../db';
import { env } from '../env';
import { retryDelayMs } from './backoff';

// The notice outbox, as a state machine on NoticeDelivery.status:
//
//   pending ──claim──▶ sending ──250──▶ sent
//      ▲                  │ 4xx / connection error: pending again, later (backoff)
//      └──────────────────┤ 5xx: failed (and the subscriber's hard-bounce count goes up)
//                         │ subscriber left or paused: skipped
//
// Each transition is committed on its own: "sending" before the SMTP transaction starts and
// "sent" as soon as the server answers 250. A worker killed in between leaves rows in "sending"
// with its claim token and claimedAt; once the lease (NOTICE_LEASE_SECONDS) has expired, any
// worker claims them again. For most of them the SMTP transaction had not finished, and they go
// out once. The only copies that can go out twice are those whose 250 arrived in the last
// moment before the kill, at most NOTICE_WORKER_CONCURRENCY of them (RFC 1047's window, which no
// SMTP client can close). They are sent again with the same Message-ID, fixed when the row was
// created, so that mail systems and readers recognise the copy as the same message.

export interface ClaimedDelivery {
  id: string;
  noticeId: string;
  lang: string;
  messageId: string;
  attempts: number;
  claimToken: string;
  subscriber: { id: string; email: string; status: string; tokenVersion: number; hardBounces: number };
}

function claimable(now: Date) {
  const staleBefore = new Date(now.getTime() - env.NOTICE_LEASE_SECONDS * 1000);
  return { OR: [{ status: 'pending', nextAttemptAt: { lte: now } }, { status: 'sending', claimedAt: { lt: staleBefore } }] };
}

/**
 * Claims up to `limit` deliveries for this worker. Portable: pick candidate ids, then one UPDATE
 * that re-checks the claimable condition, so two workers never both win a row; a later version
 * can use SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL instead.
 */
export async function claimDeliveries(limit: number, now = new Date()): Promise<ClaimedDelivery[]> {
  const candidates = await db.noticeDelivery.findMany({ where: claimable(now), orderBy: { nextAttemptAt: 'asc' }, take: limit, select: { id: true } });
  if (!candidates.length) return [];
  const claimToken = randomUUID();
  await db.noticeDelivery.updateMany({
    where: { id: { in: candidates.map((c) => c.id) }, ...claimable(now) },
    data: { status: 'sending', claimToken, claimedAt: now, attempts: { increment: 1 } },
  });
  const rows = await db.noticeDelivery.findMany({
    where: { claimToken, status: 'sending' },
    select: { id: true, noticeId: true, lang: true, messageId: true, attempts: true, subscriber: { select: { id: true, email: true, status: true, tokenVersion: true, hardBounces: true } } },
  });
  return rows.map((r) => ({ ...r, claimToken }));
}

// Every update below names the claim token: a worker whose lease was taken over cannot overwrite
// the outcome recorded by the worker that took it.

type Waiter = { d: ClaimedDelivery; at: Date; resolve: () => void; reject: (e: unknown) => void };
const sentQueue: Waiter[] = [];
let flushing: Promise<void> | null = null;

/**
 * Records a 250. Group commit: copies accepted while the previous write was running are recorded
 * together in one UPDATE, which is what lets one SQLite writer keep up with many SMTP connections.
 * The promise resolves once this row's "sent" is committed, and each sending lane waits for it
 * before taking its next copy, so at any moment at most one accepted-but-unrecorded copy exists
 * per connection: the crash window stays as small as with one write per copy.
 */
export function markSent(d: ClaimedDelivery, now = new Date()): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    sentQueue.push({ d, at: now, resolve, reject });
    flushing ??= flushSent().finally(() => (flushing = null));
  });
}

async function flushSent() {
  while (sentQueue.length) {
    const batch = sentQueue.splice(0);
    try {
      const byToken = new Map<string, Waiter[]>();
      for (const w of batch) byToken.set(w.d.claimToken, [...(byToken.get(w.d.claimToken) ?? []), w]);
      for (const [claimToken, rows] of byToken) {
        await db.noticeDelivery.updateMany({
          where: { id: { in: rows.map((w) => w.d.id) }, claimToken },
          data: { status: 'sent', sentAt: rows.at(-1)!.at, claimToken: null, lastError: null },
        });
      }
      const recovered = batch.filter((w) => w.d.subscriber.hardBounces > 0).map((w) => w.d.subscriber.id);
      if (recovered.length) await db.subscriber.updateMany({ where: { id: { in: recovered } }, data: { hardBounces: 0 } });
      batch.forEach((w) => w.resolve());
    } catch (error) {
      batch.forEach((w) => w.reject(error));
    }
  }
}

export async function markSkipped(d: ClaimedDelivery, reason: string) {
  await db.noticeDelivery.updateMany({ where: { id: d.id, claimToken: d.claimToken }, data: { status: 'skipped', claimToken: null, lastError: reason } });
}

export async function markTemporaryFailure(d: ClaimedDelivery, error: string, now = new Date()) {
  const giveUp = d.attempts >= env.NOTICE_MAX_ATTEMPTS;
  await db.noticeDelivery.updateMany({
    where: { id: d.id, claimToken: d.claimToken },
    data: giveUp
      ? { status: 'failed', claimToken: null, lastError: error }
      : { status: 'pending', claimToken: null, claimedAt: null, lastError: error, nextAttemptAt: new Date(now.getTime() + retryDelayMs(d.attempts, env.NOTICE_RETRY_BASE_SECONDS)) },
  });
}

/** A 5xx: this copy fails; after NOTICE_MAX_HARD_BOUNCES in a row the subscriber is paused. */
export async function markPermanentFailure(d: ClaimedDelivery, error: string) {
  await db.noticeDelivery.updateMany({ where: { id: d.id, claimToken: d.claimToken }, data: { status: 'failed', claimToken: null, lastError: error } });
  const subscriber = await db.subscriber.update({ where: { id: d.subscriber.id }, data: { hardBounces: { increment: 1 } } });
  if (subscriber.hardBounces >= env.NOTICE_MAX_HARD_BOUNCES && subscriber.status === 'active') {
    await db.$transaction([
      db.subscriber.update({ where: { id: subscriber.id }, data: { status: 'paused' } }),
      db.noticeDelivery.updateMany({ where: { subscriberId: subscriber.id, status: 'pending' }, data: { status: 'skipped', lastError: 'subscriber paused after repeated hard bounces' } }),
    ]);
  }
}

export async function loadNotice(id: string) {
  return db.notice.findUnique({ where: { id }, select: { id: true, kind: true, subjectJa: true, subjectEn: true, textJa: true, textEn: true, htmlJa: true, htmlEn: true } });
}
