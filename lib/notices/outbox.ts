import 'server-only';
import { randomUUID } from 'node:crypto';
import { db } from '../db';
import { skipLockedClaim } from '../db-dialect';
import { env } from '../env';
import { retryDelayMs } from './backoff';
import { outboxHotPath, type ClaimedRow } from './outbox-hot-path';

// The notice outbox, as a state machine on NoticeDelivery.status:
//
//   pending ──claim──▶ sending ──(whole message on the wire)──▶ finishing ──"." and 250──▶ sent
//      ▲                  │                                         │
//      └── 4xx, connection error (backoff) ◀──────────────────────────┤
//                         │ 5xx: failed (the subscriber's hard-bounce count goes up)
//                         │ subscriber left or paused: skipped
//
// Each transition is committed before the worker goes on:
// - "sending" before the SMTP transaction starts;
// - "finishing" after the server has accepted the envelope and the message is queued, but BEFORE
//   the final "." that makes the server take responsibility for it (smtp-session.ts). A client that
//   dies before that dot leaves the server with nothing: the transaction is simply abandoned.
//   (On PostgreSQL the COMMIT is written just before the dot rather than awaited: see
//   outbox-hot-path.ts);
// - "sent" after the 250.
// After a SIGKILL, a row's state says which side of the dot it was on:
// - "sending" (lease expired): the server never got the dot; the copy is sent again, once;
// - "finishing" (lease expired): the dot was written right after the commit; the copy is counted
//   as sent and not repeated.
// So nobody receives a notice twice. What remains is the instant between the "finishing" commit
// and the write of ".\r\n" to the socket (no I/O in between, a few microtasks): a kill exactly
// there loses that copy. Had we marked rows after the 250 instead, every copy between the
// server's 250 and our commit (typically one per open connection) would have been sent twice.
// A copy that is sent again after a crash carries the Message-ID fixed when its row was created.
// A "sent" that cannot be written (the database is unreachable) is kept and written again: see
// recordSentLater.

export interface ClaimedDelivery extends ClaimedRow {
  claimToken: string;
}

const HANDED_OVER_NOTE = 'worker stopped after handing the message over; counted as sent';

function staleBefore(now: Date) {
  return new Date(now.getTime() - env.NOTICE_LEASE_SECONDS * 1000);
}

/**
 * Claims up to `limit` deliveries for this worker. On SQLite, prepared statements in one
 * transaction (outbox-hot-path.ts). On PostgreSQL one UPDATE … FOR UPDATE SKIP LOCKED
 * (lib/db-dialect.ts), so workers on several hosts each take rows the others have not.
 */
export async function claimDeliveries(limit: number, now = new Date()): Promise<ClaimedDelivery[]> {
  // A copy delivered while the database was away is recorded first: once its lease has run out,
  // the claim below would take its row back and send it again.
  if (sentOutstanding && !(await flushOutcomes())) return [];
  const claimToken = randomUUID();
  const hotPath = outboxHotPath();
  if (hotPath.claim) {
    const rows = await hotPath.claim({ claimToken, now, staleBefore: staleBefore(now), limit, handedOverNote: HANDED_OVER_NOTE });
    return rows.map((r) => ({ ...r, claimToken }));
  }
  // Rows a dead worker left right before the final dot: delivered (see above).
  await db.noticeDelivery.updateMany({
    where: { status: 'finishing', claimedAt: { lt: staleBefore(now) } },
    data: { status: 'sent', sentAt: now, claimToken: null, lastError: HANDED_OVER_NOTE },
  });
  const claim = skipLockedClaim({ table: 'NoticeDelivery', claimToken, now, staleBefore: staleBefore(now), limit });
  if (!claim || !(await db.$executeRaw(claim))) return [];
  const rows = await db.noticeDelivery.findMany({
    where: { claimToken, status: 'sending' },
    select: { id: true, noticeId: true, lang: true, messageId: true, attempts: true, subscriber: { select: { id: true, email: true, status: true, tokenVersion: true, hardBounces: true } } },
  });
  return rows.map((r) => ({ ...r, claimToken }));
}

/**
 * Group commit: transitions requested while the previous write was running are committed together,
 * "finishing" and "sent" alike, one UPDATE per kind and claim token. That is
 * what lets one SQLite writer keep up with many SMTP connections. Each caller's promise resolves
 * with whether its row made the transition (false: another worker took the row over).
 * A session waits for its "finishing" before the final dot, so those are committed at the next
 * turn; nothing waits for "sent", so a lone "sent" waits a little for company (in a fan-out, the
 * next "finishing" commit takes it along) instead of costing a commit of its own.
 */
type Transition = 'finishing' | 'sent';
type Waiter = { d: ClaimedDelivery; to: Transition; resolve: (ok: boolean) => void; reject: (e: unknown) => void };
const waiting: Waiter[] = [];
let committing: Promise<void> | null = null;
let lingering: NodeJS.Timeout | null = null;
const SENT_LINGER_MS = 10;

function request(d: ClaimedDelivery, to: Transition): Promise<boolean> {
  return new Promise((resolve, reject) => {
    waiting.push({ d, to, resolve, reject });
    scheduleCommit(to === 'finishing');
  });
}

function scheduleCommit(soon: boolean) {
  if (committing) return; // the running commit schedules the next when it ends
  if (lingering) {
    if (!soon) return;
    clearTimeout(lingering);
    lingering = null;
  }
  if (!soon) {
    lingering = setTimeout(() => ((lingering = null), scheduleCommit(true)), SENT_LINGER_MS);
    return;
  }
  // One event-loop turn first: replies that arrived on other sessions in the same turn join
  // this commit instead of each paying for its own.
  committing = new Promise<void>((r) => setImmediate(r))
    .then(commitBatch)
    .finally(() => {
      committing = null;
      if (waiting.length) scheduleCommit(waiting.some((w) => w.to === 'finishing'));
    });
}

async function commitBatch() {
  const { apply } = outboxHotPath();
  const batch = waiting.splice(0);
  const groups = new Map<string, Waiter[]>();
  for (const w of batch) groups.set(`${w.to}|${w.d.claimToken}`, [...(groups.get(`${w.to}|${w.d.claimToken}`) ?? []), w]);
  try {
    // Every update names the claim token: a worker whose lease was taken over by another cannot
    // finish a copy the other one owns, nor overwrite its outcome.
    const entries = [...groups.values()];
    const { changed, committed } = await apply(
      entries.map((ws) => ({ to: ws[0]!.to, claimToken: ws[0]!.d.claimToken, ids: ws.map((w) => w.d.id) })),
      new Date(),
    );
    // Resolved in the turn the commit went out, so that the dots follow it at once.
    for (const [i, ws] of entries.entries()) {
      const ours = new Set(changed[i]);
      ws.forEach((w) => w.resolve(ours.has(w.d.id)));
    }
    const failed = await committed.then(
      () => false,
      (error) => {
        console.error('notice worker: an outbox commit failed after its copies were handed over:', error);
        recordSentLater(batch);
        return true;
      },
    );
    if (failed) return;
    const recovered = batch.filter((w) => w.to === 'sent' && w.d.subscriber.hardBounces > 0).map((w) => w.d.subscriber.id);
    if (recovered.length) await db.subscriber.updateMany({ where: { id: { in: recovered } }, data: { hardBounces: 0 } });
  } catch (error) {
    // A "finishing" that failed keeps its dots unsent; a "sent" is kept and written again.
    batch.filter((w) => w.to === 'finishing').forEach((w) => w.reject(error));
    console.error('notice worker: an outbox commit failed:', error);
    recordSentLater(batch);
  }
}

/**
 * Copies whose 250 came but whose "sent" could not be written (the database was unreachable) are
 * written again until it is back. On PostgreSQL the "finishing" of such a copy may have been lost
 * with the same connection (its COMMIT goes out with the dots, unawaited), leaving the row in
 * "sending": given up, it would be sent a second time once its lease ran out.
 */
const unrecordedSent: Waiter[] = [];
let sentRetry: NodeJS.Timeout | null = null;
const SENT_RETRY_MS = 1000;
/** Some "sent" failed to be written and no flush has seen all of them written since. */
let sentOutstanding = false;

function recordSentLater(batch: Waiter[]) {
  const sent = batch.filter((w) => w.to === 'sent');
  if (!sent.length) return;
  unrecordedSent.push(...sent);
  sentOutstanding = true;
  sentRetry ??= setTimeout(retrySent, SENT_RETRY_MS);
}

function retrySent() {
  if (sentRetry) clearTimeout(sentRetry);
  sentRetry = null;
  waiting.push(...unrecordedSent.splice(0));
  if (waiting.length) scheduleCommit(true);
}

/** Durably records that the copy is about to be handed over; false if this worker lost the row. */
export function markFinishing(d: ClaimedDelivery): Promise<boolean> {
  return request(d, 'finishing');
}

/** Records the 250. */
export function markSent(d: ClaimedDelivery): Promise<boolean> {
  return request(d, 'sent');
}

/** Commits every outcome waiting; false while some "sent" could not be written. */
async function flushOutcomes(): Promise<boolean> {
  retrySent();
  while (waiting.length || committing) {
    scheduleCommit(true);
    await committing;
  }
  if (unrecordedSent.length) return false;
  sentOutstanding = false;
  return true;
}

/**
 * Waits until every recorded outcome is committed (before the worker exits), trying unwritten
 * "sent" outcomes again for up to `giveUpAfterMs` while the database is unreachable.
 */
export async function settleOutcomes(giveUpAfterMs = 30_000) {
  const deadline = Date.now() + giveUpAfterMs;
  while (!(await flushOutcomes())) {
    if (Date.now() > deadline) {
      clearTimeout(sentRetry ?? undefined);
      console.error(`notice worker: ${unrecordedSent.length} sent copies could not be recorded and may be sent again`);
      return;
    }
    await new Promise((r) => setTimeout(r, SENT_RETRY_MS));
  }
}

/** Copies claimed but never started: pending again at once; the claim is not counted as an attempt. */
export async function releaseClaims(rows: ClaimedDelivery[]) {
  const byToken = new Map<string, string[]>();
  for (const r of rows) byToken.set(r.claimToken, [...(byToken.get(r.claimToken) ?? []), r.id]);
  for (const [claimToken, ids] of byToken) {
    await db.noticeDelivery.updateMany({
      where: { id: { in: ids }, claimToken, status: 'sending' },
      data: { status: 'pending', claimToken: null, claimedAt: null, attempts: { decrement: 1 } },
    });
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
