import 'server-only';
import { randomUUID } from 'node:crypto';
import { db } from '../db';
import { skipLockedClaim } from '../db-dialect';
import { env } from '../env';
import { retryDelayMs } from '../notices/backoff';

// Webhook deliveries follow the same claim/lease protocol as mail (see lib/notices/outbox.ts),
// with the same claim on PostgreSQL (FOR UPDATE SKIP LOCKED).
// A receiver may see a delivery twice after a crash; the X-Tayori-Delivery header lets it notice.

export interface ClaimedWebhook {
  id: string;
  kind: string;
  payload: string;
  attempts: number;
  claimToken: string;
  endpoint: { id: string; url: string; secret: string; status: string };
}

function staleBefore(now: Date) {
  return new Date(now.getTime() - env.NOTICE_LEASE_SECONDS * 1000);
}

function claimable(now: Date) {
  return { OR: [{ status: 'pending', nextAttemptAt: { lte: now } }, { status: 'sending', claimedAt: { lt: staleBefore(now) } }] };
}

export async function claimWebhooks(limit: number, now = new Date()): Promise<ClaimedWebhook[]> {
  const claimToken = randomUUID();
  const claim = skipLockedClaim({ table: 'WebhookDelivery', claimToken, now, staleBefore: staleBefore(now), limit });
  if (claim) {
    if (!(await db.$executeRaw(claim))) return [];
  } else {
    const candidates = await db.webhookDelivery.findMany({ where: claimable(now), orderBy: { nextAttemptAt: 'asc' }, take: limit, select: { id: true } });
    if (!candidates.length) return [];
    await db.webhookDelivery.updateMany({
      where: { id: { in: candidates.map((c) => c.id) }, ...claimable(now) },
      data: { status: 'sending', claimToken, claimedAt: now, attempts: { increment: 1 } },
    });
  }
  const rows = await db.webhookDelivery.findMany({
    where: { claimToken, status: 'sending' },
    select: { id: true, kind: true, payload: true, attempts: true, endpoint: { select: { id: true, url: true, secret: true, status: true } } },
  });
  return rows.map((r) => ({ ...r, claimToken }));
}

export async function markWebhookDelivered(w: ClaimedWebhook, now = new Date()) {
  await db.webhookDelivery.updateMany({ where: { id: w.id, claimToken: w.claimToken }, data: { status: 'sent', deliveredAt: now, claimToken: null, lastError: null } });
}

export async function markWebhookFailed(w: ClaimedWebhook, error: string, retry: boolean, now = new Date()) {
  const giveUp = !retry || w.attempts >= env.WEBHOOK_MAX_ATTEMPTS;
  await db.webhookDelivery.updateMany({
    where: { id: w.id, claimToken: w.claimToken },
    data: giveUp
      ? { status: 'failed', claimToken: null, lastError: error.slice(0, 500) }
      : { status: 'pending', claimToken: null, claimedAt: null, lastError: error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + retryDelayMs(w.attempts, env.WEBHOOK_RETRY_BASE_SECONDS)) },
  });
}
