import 'server-only';
import { db } from '../db';
import { env } from '../env';
import { LANGS, type Lang } from '../i18n/locales';
import { freeIncidentSlug, incidentSlugBase } from '../incidents/slug';
import type { MailContent } from '../mime/content';
import { sampleSubscriberLinks } from '../subscribers/links';
import { recipientsFor } from '../subscribers/recipients';
import { kindForUpdate, type NoticeKind } from '../status/notice-kinds';
import { renderIncidentNotices } from './render/incident-notice';
import { noticeMailParts } from './render/notice-mail';

// What subscribers would receive, before anything is saved or sent: the console shows it with the
// number of recipients so that staff confirm exactly what goes out. The notice is built by the
// functions the real one is built by (render/incident-notice.ts, then the mail's parts in
// render/notice-mail.ts), from the incident as the form would leave it: its slug, times, services
// and the text as saved.
// Only the subscriber's own token and id are stand-ins (sampleSubscriberLinks).

export interface NoticePreview {
  /** Subject, text part and HTML part, byte for byte as a subscriber's copy decodes. */
  mail: Record<Lang, MailContent>;
  recipients: Record<Lang, number>;
}

export interface DraftUpdate {
  incidentId: string | null;
  titleJa: string;
  titleEn: string;
  status: string;
  bodyJa: string;
  bodyEn: string;
  componentIds: string[];
}

export async function previewIncidentNotice(draft: DraftUpdate, now = new Date()): Promise<NoticePreview> {
  const incident = draft.incidentId
    ? await db.incident.findUnique({ where: { id: draft.incidentId }, include: { components: { include: { component: true } }, _count: { select: { updates: true } } } })
    : null;
  const componentIds = [...new Set([...draft.componentIds, ...(incident?.components.map((c) => c.componentId) ?? [])])];
  const components = await db.component.findMany({ where: { id: { in: componentIds } } });
  // As createIncidentAction and postUpdateAction will: a new incident opens; an update is
  // numbered by whether it is the incident's first.
  const kind = (incident ? kindForUpdate(draft.status, incident._count.updates === 0) : 'incident_opened') as Extract<NoticeKind, `incident_${string}`>;
  const slug =
    incident?.slug ??
    (await freeIncidentSlug(async (s) => Boolean(await db.incident.findUnique({ where: { slug: s }, select: { id: true } })), incidentSlugBase(draft.titleEn, now, env.SITE_TIME_ZONE)));
  const rendered = renderIncidentNotices(kind, {
    slug,
    titleJa: incident?.titleJa ?? draft.titleJa,
    titleEn: incident?.titleEn ?? draft.titleEn,
    startedAt: incident?.startedAt ?? now,
    // postIncidentUpdate keeps the first resolution time.
    resolvedAt: draft.status === 'resolved' ? (incident?.resolvedAt ?? now) : (incident?.resolvedAt ?? null),
    maxDelayMinutes: incident?.maxDelayMinutes ?? null,
    components,
    update: { bodyJa: draft.bodyJa, bodyEn: draft.bodyEn, displayAt: now },
    reportJa: incident?.reportJa ?? '',
    reportEn: incident?.reportEn ?? '',
  });
  const mail = Object.fromEntries(LANGS.map((lang) => [lang, noticeMailParts(rendered[lang], lang, sampleSubscriberLinks(lang))])) as Record<Lang, MailContent>;
  const recipients = await recipientsFor(componentIds);
  return {
    mail,
    recipients: { ja: recipients.filter((r) => r.lang !== 'en').length, en: recipients.filter((r) => r.lang === 'en').length },
  };
}

/** Notices sent for an incident, newest first, for the console's progress bars. */
export async function noticesForIncident(incidentId: string) {
  return db.notice.findMany({ where: { incidentId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
}
