import 'server-only';
import { env } from '../../env';
import { localePath, type Lang } from '../../i18n/locales';
import type { NoticeKind } from '../../status/notice-kinds';
import { siteName, siteUrl } from '../../site/identity';
import { renderIncidentNotice, type RenderedNotice } from './templates';

// The one way an incident notice is put together from an incident, for the notice that is sent
// (enqueue.ts) and for the console's preview of it (preview.ts): same order of services, same
// links, same words, so that what staff confirm is what subscribers get.

export interface NoticeComponent {
  id: string;
  nameJa: string;
  nameEn: string;
  position: number;
}

export interface IncidentNoticeFacts {
  slug: string;
  titleJa: string;
  titleEn: string;
  startedAt: Date;
  resolvedAt: Date | null;
  maxDelayMinutes: number | null;
  components: NoticeComponent[];
  update: { bodyJa: string; bodyEn: string; displayAt: Date } | null;
  reportJa: string;
  reportEn: string;
}

/** The incident's page in each language, as links in notices and webhooks. */
export function incidentUrls(slug: string): Record<Lang, string> {
  return { ja: siteUrl(localePath('ja', `/incidents/${slug}`)), en: siteUrl(localePath('en', `/incidents/${slug}`)) };
}

/** Services in page order; the id settles equal positions the same way every time. */
export function noticeComponentOrder<T extends NoticeComponent>(components: T[]): T[] {
  return components.toSorted((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function renderIncidentNotices(kind: Extract<NoticeKind, `incident_${string}`>, facts: IncidentNoticeFacts): Record<Lang, RenderedNotice> {
  const render = (lang: Lang) =>
    renderIncidentNotice(
      {
        kind,
        siteName: { ja: siteName('ja'), en: siteName('en') },
        titleJa: facts.titleJa,
        titleEn: facts.titleEn,
        startedAt: facts.startedAt,
        resolvedAt: facts.resolvedAt,
        maxDelayMinutes: facts.maxDelayMinutes,
        components: noticeComponentOrder(facts.components),
        update: facts.update,
        reportJa: facts.reportJa,
        reportEn: facts.reportEn,
        url: incidentUrls(facts.slug),
      },
      lang,
      env.SITE_TIME_ZONE,
    );
  return { ja: render('ja'), en: render('en') };
}
