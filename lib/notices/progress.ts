import 'server-only';
import { db } from '../db';

export interface NoticeProgressDto {
  id: string;
  kind: string;
  subjectJa: string;
  createdAt: string;
  /** Waiting to be sent, including copies waiting for a retry. */
  pending: number;
  /** Handed to a worker right now (or left by one that crashed, until its lease expires). */
  sending: number;
  sent: number;
  failed: number;
  /** Not sent because the subscriber left or was paused before their copy went out. */
  skipped: number;
  webhooks: { pending: number; sent: number; failed: number };
  /**
   * What came back for copies that left (lib/notices/bounces): hard bounces (refused for good, at
   * SMTP time or reported later), soft ones (delayed or refused for now), spam complaints.
   */
  bounces: { hard: number; soft: number; complaints: number };
}

const EMPTY = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };

/** Progress of one notice's fan-out, for the console. */
export async function getNoticeProgress(noticeId: string): Promise<NoticeProgressDto | null> {
  const notice = await db.notice.findUnique({ where: { id: noticeId }, select: { id: true, kind: true, subjectJa: true, createdAt: true } });
  if (!notice) return null;
  const [mail, hooks, bounced] = await Promise.all([
    db.noticeDelivery.groupBy({ by: ['status'], where: { noticeId }, _count: { _all: true } }),
    db.webhookDelivery.groupBy({ by: ['status'], where: { noticeId }, _count: { _all: true } }),
    db.noticeDelivery.groupBy({ by: ['bounceKind'], where: { noticeId, bounceKind: { not: null } }, _count: { _all: true } }),
  ]);
  const bounceCount = (kind: string) => bounced.find((b) => b.bounceKind === kind)?._count._all ?? 0;
  const counts: Record<string, number> = { ...EMPTY };
  for (const row of mail) counts[row.status === 'finishing' ? 'sending' : row.status] = (counts[row.status === 'finishing' ? 'sending' : row.status] ?? 0) + row._count._all;
  const hookCounts: Record<string, number> = {};
  for (const row of hooks) hookCounts[row.status] = row._count._all;
  return {
    id: notice.id,
    kind: notice.kind,
    subjectJa: notice.subjectJa,
    createdAt: notice.createdAt.toISOString(),
    pending: counts.pending!,
    sending: counts.sending!,
    sent: counts.sent!,
    failed: counts.failed!,
    skipped: counts.skipped!,
    webhooks: { pending: (hookCounts.pending ?? 0) + (hookCounts.sending ?? 0), sent: hookCounts.sent ?? 0, failed: hookCounts.failed ?? 0 },
    bounces: { hard: bounceCount('hard'), soft: bounceCount('soft'), complaints: bounceCount('complaint') },
  };
}

/** The latest notices with their progress, newest first. */
export async function listRecentNotices(limit = 20): Promise<NoticeProgressDto[]> {
  const notices = await db.notice.findMany({ orderBy: { createdAt: 'desc' }, take: limit, select: { id: true } });
  const all = await Promise.all(notices.map((n) => getNoticeProgress(n.id)));
  return all.filter((n): n is NoticeProgressDto => n !== null);
}
