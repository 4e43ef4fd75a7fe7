import 'server-only';
import { db } from '../db';
import { env } from '../env';
import type { OutboxTable } from '../outbox/adapter';
import { openOutbox, type Claimed, type Outbox } from '../outbox/outbox';

// The mail outbox: one NoticeDelivery row per subscriber and notice (lib/notices/enqueue.ts
// writes them), claimed, handed over and recorded by the outbox (lib/outbox) like any other.
// What is mail's own: the copy is built from the notice and the subscriber, and a subscriber's
// hard bounces pause them.

export interface NoticeCopyRow {
  noticeId: string;
  lang: string;
  /** Fixed when the row was created, so a copy sent again after a crash is recognisably the same mail. */
  messageId: string;
  subscriber: { id: string; email: string; status: string; tokenVersion: number; hardBounces: number };
}

export type ClaimedDelivery = Claimed<NoticeCopyRow>;

export const NOTICE_DELIVERIES: OutboxTable<NoticeCopyRow> = {
  name: 'NoticeDelivery',
  sentAtColumn: 'sentAt',
  columns: ['noticeId', 'lang', 'messageId', 'subscriberId'],
  owner: { table: 'Subscriber', key: 'subscriberId', columns: ['id', 'email', 'status', 'tokenVersion', 'hardBounces'] },
  toRow: (row, subscriber) => ({
    noticeId: row.noticeId as string,
    lang: row.lang as string,
    messageId: row.messageId as string,
    subscriber: {
      id: subscriber.id as string,
      email: subscriber.email as string,
      status: subscriber.status as string,
      tokenVersion: Number(subscriber.tokenVersion),
      hardBounces: Number(subscriber.hardBounces),
    },
  }),
};

/** The worker's mail outbox, on database connections of its own. */
export function openNoticeOutbox(): Outbox<NoticeCopyRow> {
  return openOutbox(
    env.DATABASE_URL,
    NOTICE_DELIVERIES,
    { leaseSeconds: env.NOTICE_LEASE_SECONDS, maxAttempts: env.NOTICE_MAX_ATTEMPTS, retryBaseSeconds: env.NOTICE_RETRY_BASE_SECONDS },
    {
      // A delivered copy ends a subscriber's run of hard bounces.
      afterSent: async (rows) => {
        const recovered = rows.filter((r) => r.subscriber.hardBounces > 0).map((r) => r.subscriber.id);
        if (recovered.length) await db.subscriber.updateMany({ where: { id: { in: recovered } }, data: { hardBounces: 0 } });
      },
      log: (message, error) => console.error(`notice worker: ${message}`, error ?? ''),
    },
  );
}

/**
 * A copy refused for good: a 5xx at SMTP time, or a report that came back later
 * (lib/notices/bounces). When the subscriber's latest NOTICE_MAX_HARD_BOUNCES copies have all
 * bounced, they are paused and their queued copies skipped. Counted over their latest copies, not
 * as a running count, since a relay's bounce arrives after the copy was counted as sent: a copy
 * sent later that has not bounced ends the run, a late report of an older copy does not restart it.
 */
export async function recordHardBounce(subscriberId: string, deliveryId: string, diagnostic: string, at = new Date()) {
  await db.noticeDelivery.update({ where: { id: deliveryId }, data: { bounceKind: 'hard', bouncedAt: at, bounceDiagnostic: diagnostic.slice(0, 500) } });
  await pauseAfterHardBounces(subscriberId);
}

/** Pauses the subscriber when their latest copies all bounced (see recordHardBounce); keeps Subscriber.hardBounces at the length of the run. */
export async function pauseAfterHardBounces(subscriberId: string) {
  const { confirmedAt } = await db.subscriber.findUniqueOrThrow({ where: { id: subscriberId }, select: { confirmedAt: true } });
  const latest = await db.noticeDelivery.findMany({
    // Copies that left (or were refused): not the ones still queued or skipped; and none from
    // before the subscriber last confirmed (subscribing again starts with a clean record).
    where: { subscriberId, OR: [{ sentAt: { not: null } }, { bounceKind: { not: null } }], ...(confirmedAt ? { createdAt: { gte: confirmedAt } } : {}) },
    orderBy: { createdAt: 'desc' },
    take: env.NOTICE_MAX_HARD_BOUNCES,
    select: { bounceKind: true },
  });
  const run = latest.findIndex((d) => d.bounceKind !== 'hard');
  const hardBounces = run === -1 ? latest.length : run;
  const subscriber = await db.subscriber.update({ where: { id: subscriberId }, data: { hardBounces } });
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
