import 'server-only';
import { formatInTimeZone } from 'date-fns-tz';
import { db } from '../db';
import { env } from '../env';

/**
 * A published informational incident (impact none) about a component, e.g. "the spam check is
 * temporarily off": what the 2014 operators told customers when they switched it off by hand.
 */
export async function postInformationalNote(componentSlug: string, reason: string) {
  const component = await db.component.findUnique({ where: { slug: componentSlug } });
  if (!component) return null;
  const now = new Date();
  const slug = `${formatInTimeZone(now, env.SITE_TIME_ZONE, 'yyyyMMdd-HHmm')}-${componentSlug}-bypass`;
  const ja = `メール遅延の解消を最優先とするため、${component.nameJa}を一時的に停止しております。この間、迷惑メールと判定されるべきメールがメールボックスに届くことがあります。（理由: ${reason}）`;
  const en = `To clear mail delays first, the ${component.nameEn.toLowerCase()} is temporarily off. Meanwhile some spam may reach mailboxes. (Reason: ${reason})`;
  return db.incident.create({
    data: {
      slug,
      titleJa: `${component.nameJa}の一時停止`,
      titleEn: `${component.nameEn} temporarily off`,
      summaryJa: ja,
      summaryEn: en,
      impact: 'none',
      status: 'identified',
      startedAt: now,
      source: 'console',
      published: true,
      components: { create: [{ componentId: component.id, status: 'degraded_performance' }] },
      updates: { create: [{ status: 'identified', bodyJa: ja, bodyEn: en, displayAt: now }] },
    },
  });
}
