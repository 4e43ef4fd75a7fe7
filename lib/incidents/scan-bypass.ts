import 'server-only';
import { formatInTimeZone } from 'date-fns-tz';
import { db, type Db } from '../db';
import { env } from '../env';
import { Prisma } from '../generated/prisma/client';

// While mail is delivered without the spam check, customers are told so on the status page: what
// the 2014 operators posted by hand when they switched the SPAM check off to clear the delay.
// One note per spell, opened when the spell starts (by the breaker or by staff) and closed, with
// the time, when scanning resumes. It carries no subscriber notice: the mail-delay incident does.

export type BypassedBy = 'breaker' | 'staff';

interface ComponentRow {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
}

const time = (at: Date) => formatInTimeZone(at, env.SITE_TIME_ZONE, 'HH:mm');

export function bypassText(c: ComponentRow, by: BypassedBy, reason?: string | null) {
  const why = reason ? { ja: `（理由: ${reason}）`, en: ` (Reason: ${reason})` } : { ja: '', en: '' };
  if (by === 'staff') {
    return {
      ja: `メール遅延の解消を最優先とするため、${c.nameJa}を一時的に停止しております。この間に届くメールは迷惑メールの判定を行わずに配送されるため、迷惑メールがメールボックスに届くことがあります。再開しましたらこちらでお知らせいたします。${why.ja}`,
      en: `To clear mail delays first, the ${c.nameEn.toLowerCase()} is temporarily off. Mail arriving meanwhile is delivered without a spam check, so some spam may reach mailboxes. We will say here when it resumes.${why.en}`,
    };
  }
  return {
    ja: `受信メールの滞留が続いたため、長く待っているメールについて${c.nameJa}を自動的に一時停止しております。該当するメールは迷惑メールの判定を行わずに配送されるため、迷惑メールがメールボックスに届くことがあります。滞留が解消しだい自動的に再開し、こちらでお知らせいたします。`,
    en: `Because incoming mail kept waiting, the ${c.nameEn.toLowerCase()} is automatically skipped for mail that has waited long. Such mail is delivered without a spam check, so some spam may reach mailboxes. It resumes by itself once the backlog has cleared, and we will say so here.`,
  };
}

export function resumedText(c: ComponentRow, at: Date) {
  return {
    ja: `${time(at)}に${c.nameJa}を再開しました。現在、すべての受信メールを通常どおり判定しております。`,
    en: `The ${c.nameEn.toLowerCase()} resumed at ${time(at)}. All incoming mail is checked as usual again.`,
  };
}

function openNote(tx: Db, componentId: string) {
  return tx.incident.findFirst({ where: { autoOpenFor: componentId }, select: { id: true } });
}

/** Opens the note unless one is open already; returns the open note's id. */
export async function noteScanBypass(tx: Db, component: ComponentRow, at: Date, by: BypassedBy, reason?: string | null): Promise<string> {
  const open = await openNote(tx, component.id);
  if (open) return open.id;
  const text = bypassText(component, by, reason);
  try {
    const incident = await tx.incident.create({
      data: {
        slug: `${formatInTimeZone(at, env.SITE_TIME_ZONE, 'yyyyMMdd-HHmm')}-${component.slug}-off-${at.getTime().toString(36)}`,
        titleJa: `${component.nameJa}の一時停止`,
        titleEn: `${component.nameEn} temporarily off`,
        summaryJa: text.ja,
        summaryEn: text.en,
        impact: 'none',
        status: 'identified',
        startedAt: at,
        source: 'auto',
        published: true,
        autoComponentId: component.id,
        // Unique: site processes judging the same windows, or staff and the rule at once, open one note.
        autoOpenFor: component.id,
        components: { create: [{ componentId: component.id, status: 'partial_outage' }] },
        updates: { create: [{ status: 'identified', bodyJa: text.ja, bodyEn: text.en, displayAt: at, notify: false }] },
      },
    });
    return incident.id;
  } catch (error) {
    // Staff and the rule at once: one of them opened it first (outside a transaction only; inside
    // one, the evaluation's version guard keeps two from getting here together).
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return (await openNote(tx, component.id))!.id;
    throw error;
  }
}

/** The note for a component named by slug (the console's switch); null when there is no such component. */
export async function noteScanBypassBySlug(slug: string, at: Date, by: BypassedBy, reason: string): Promise<string | null> {
  const component = await db.component.findUnique({ where: { slug }, select: { id: true, slug: true, nameJa: true, nameEn: true } });
  return component ? noteScanBypass(db, component, at, by, reason) : null;
}

/** Closes the open note, saying when scanning resumed. */
export async function noteScanResumed(tx: Db, component: ComponentRow, at: Date): Promise<void> {
  const open = await openNote(tx, component.id);
  if (!open) return;
  const text = resumedText(component, at);
  const closing = await tx.incident.updateMany({
    where: { id: open.id, autoOpenFor: component.id },
    data: { status: 'resolved', resolvedAt: at, autoOpenFor: null, summaryJa: text.ja, summaryEn: text.en },
  });
  if (!closing.count) return;
  await tx.incidentUpdate.create({ data: { incidentId: open.id, status: 'resolved', bodyJa: text.ja, bodyEn: text.en, displayAt: at, notify: false } });
}
