import 'server-only';
import { db } from '../../db';
import { pauseAfterHardBounces } from '../deliveries';
import { parseBounceReport, type BounceReport } from './report';
import { readVerpAddress, verpSignedFor } from './verp';

// One message from the bounce mailbox, applied to the copy it is about: a hard bounce counts
// towards pausing the subscriber (as a refusal at SMTP time does), a soft one is recorded, a
// complaint unsubscribes at once. Whose copy it is comes from our signed return path alone, or,
// when the report names no return path of ours, from the returned message's Message-ID; a return
// path with a wrong signature is ignored, whatever else the report says.

/** What became of a report: applied (its kind), or why not. */
export type ReportOutcome = 'hard' | 'soft' | 'complaint' | 'duplicate' | 'not_a_report' | 'forged' | 'unknown_delivery';

interface DeliveryRef {
  id: string;
  noticeId: string;
  subscriberId: string;
}

export async function applyBounceMessage(raw: Buffer, now = new Date()): Promise<ReportOutcome> {
  // A message the MIME parser cannot read is no report we could act on; it goes like any other.
  const report = await parseBounceReport(raw).catch(() => null);
  if (!report?.kind) return 'not_a_report';
  const found = await deliveryOf(report);
  if (typeof found === 'string') return found;
  return applyReport(report.kind, report.diagnostic, found, now);
}

async function deliveryOf(report: BounceReport): Promise<DeliveryRef | 'forged' | 'unknown_delivery'> {
  const claimed = report.returnPaths.map(readVerpAddress).filter((p) => p !== null);
  if (claimed.length > 0) {
    let named = false;
    for (const parts of claimed) {
      const candidates = await db.noticeDelivery.findMany({
        where: { subscriberId: parts.subscriberId, noticeId: { endsWith: parts.noticeTag } },
        select: { id: true, noticeId: true, subscriberId: true },
      });
      named ||= candidates.length > 0;
      const signed = candidates.find((d) => verpSignedFor(parts, d));
      if (signed) return signed;
    }
    // Never the Message-ID then: a report that names a return path of ours must carry its signature.
    return named ? 'forged' : 'unknown_delivery';
  }
  if (!report.originalMessageId) return 'unknown_delivery';
  const byMessageId = await db.noticeDelivery.findUnique({ where: { messageId: `<${report.originalMessageId}>` }, select: { id: true, noticeId: true, subscriberId: true } });
  return byMessageId ?? 'unknown_delivery';
}

async function applyReport(kind: 'hard' | 'soft' | 'complaint', diagnostic: string, delivery: DeliveryRef, now: Date): Promise<ReportOutcome> {
  const data = { bounceKind: kind, bouncedAt: now, bounceDiagnostic: diagnostic };
  // A later report may only make a copy's record worse: soft → hard → complaint, never back; the
  // same report read twice (a mailbox that could not be emptied) changes nothing the second time.
  const replaces = { hard: [null, 'soft'], soft: [null], complaint: [null, 'soft', 'hard'] }[kind];
  const { count } = await db.noticeDelivery.updateMany({
    where: { id: delivery.id, OR: replaces.map((k) => ({ bounceKind: k })) },
    data,
  });
  if (count === 0) return 'duplicate';
  if (kind === 'hard') await pauseAfterHardBounces(delivery.subscriberId);
  if (kind === 'complaint') await unsubscribeAfterComplaint(delivery.subscriberId, now);
  return kind;
}

/** Marked as spam: no further notice, queued copies included (as lib/subscribers/subscribe.ts unsubscribe). */
async function unsubscribeAfterComplaint(subscriberId: string, now: Date) {
  await db.$transaction([
    db.subscriber.updateMany({ where: { id: subscriberId, status: { not: 'unsubscribed' } }, data: { status: 'unsubscribed', unsubscribedAt: now, confirmTokenHash: null } }),
    db.noticeDelivery.updateMany({ where: { subscriberId, status: 'pending' }, data: { status: 'skipped', lastError: 'unsubscribed after a complaint' } }),
  ]);
}
