import 'server-only';
import { db } from '../db';
import { env } from '../env';
import { localePath, LANGS, type Lang } from '../i18n/locales';
import { recipientsFor } from '../subscribers/recipients';
import { kindForUpdate } from './kinds';
import { siteName, siteUrl } from './mailer';
import { renderIncidentNotice, type RenderedNotice } from './templates';

// What subscribers would receive, before anything is saved or sent: the console shows it with the
// number of recipients so that staff confirm exactly what goes out.

export interface NoticePreview {
  rendered: Record<Lang, RenderedNotice>;
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

export async function previewIncidentNotice(draft: DraftUpdate): Promise<NoticePreview> {
  const incident = draft.incidentId
    ? await db.incident.findUnique({ where: { id: draft.incidentId }, include: { components: { include: { component: true } } } })
    : null;
  const componentIds = [...new Set([...draft.componentIds, ...(incident?.components.map((c) => c.componentId) ?? [])])];
  const components = await db.component.findMany({ where: { id: { in: componentIds } }, orderBy: { position: 'asc' } });
  const kind = kindForUpdate(draft.status, !incident) as 'incident_opened';
  const slug = incident?.slug ?? 'new';
  const now = new Date();
  const rendered = Object.fromEntries(
    LANGS.map((lang) => [
      lang,
      renderIncidentNotice(
        {
          kind,
          siteName: { ja: siteName('ja'), en: siteName('en') },
          titleJa: draft.titleJa || incident?.titleJa || '',
          titleEn: draft.titleEn || incident?.titleEn || '',
          startedAt: incident?.startedAt ?? now,
          resolvedAt: draft.status === 'resolved' ? now : (incident?.resolvedAt ?? null),
          maxDelayMinutes: incident?.maxDelayMinutes ?? null,
          components,
          update: { bodyJa: draft.bodyJa, bodyEn: draft.bodyEn, displayAt: now },
          reportJa: incident?.reportJa ?? '',
          reportEn: incident?.reportEn ?? '',
          url: { ja: siteUrl(localePath('ja', `/incidents/${slug}`)), en: siteUrl(localePath('en', `/incidents/${slug}`)) },
        },
        lang,
        env.SITE_TIME_ZONE,
      ),
    ]),
  ) as Record<Lang, RenderedNotice>;
  const recipients = await recipientsFor(componentIds);
  return {
    rendered,
    recipients: { ja: recipients.filter((r) => r.lang !== 'en').length, en: recipients.filter((r) => r.lang === 'en').length },
  };
}

/** Notices sent for an incident, newest first, for the console's progress bars. */
export async function noticesForIncident(incidentId: string) {
  return db.notice.findMany({ where: { incidentId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
}
