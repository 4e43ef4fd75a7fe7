import 'server-only';
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { markdownToText } from '../content/plain-text';
import { db } from '../db';
import { env } from '../env';
import { publicCacheControl } from '../http/cache-control';
import { componentPageMessages } from '../i18n/component-page-messages';
import { localePath, pick, type Lang } from '../i18n/locales';
import { siteName } from '../site/identity';

// The maintenance calendar (RFC 5545): every published maintenance of the last year and all that is
// coming, for the whole site or for one component. Calendar apps poll it and replace an event when
// its SEQUENCE grows, so each event keeps its UID for life and says when it last changed.

const HISTORY_DAYS = 365;

export interface CalendarMaintenance {
  id: string;
  titleJa: string;
  titleEn: string;
  bodyJa: string;
  bodyEn: string;
  status: string;
  scheduledFor: string;
  scheduledUntil: string;
  createdAt: string;
  updatedAt: string;
}

export interface CalendarData {
  component: { slug: string; nameJa: string; nameEn: string } | null;
  maintenances: CalendarMaintenance[];
}

/** Null for a component that does not exist. Archived ones keep their calendar: their past stays. */
export const getMaintenanceCalendar = unstable_cache(
  async (componentSlug: string | null): Promise<CalendarData | null> => {
    const component = componentSlug ? await db.component.findUnique({ where: { slug: componentSlug }, select: { id: true, slug: true, nameJa: true, nameEn: true } }) : null;
    if (componentSlug && !component) return null;
    const since = new Date(Date.now() - HISTORY_DAYS * 86_400_000);
    const rows = await db.maintenance.findMany({
      where: { published: true, scheduledUntil: { gte: since }, ...(component ? { components: { some: { componentId: component.id } } } : {}) },
      orderBy: { scheduledFor: 'asc' },
    });
    return {
      component: component && { slug: component.slug, nameJa: component.nameJa, nameEn: component.nameEn },
      maintenances: rows.map((m) => ({
        id: m.id,
        titleJa: m.titleJa,
        titleEn: m.titleEn,
        bodyJa: m.bodyJa,
        bodyEn: m.bodyEn,
        status: m.status,
        scheduledFor: m.scheduledFor.toISOString(),
        scheduledUntil: m.scheduledUntil.toISOString(),
        createdAt: m.createdAt.toISOString(),
        updatedAt: m.updatedAt.toISOString(),
      })),
    };
  },
  ['components:maintenance-calendar'],
  { tags: [TAGS.components, TAGS.incidents], revalidate: 30 },
);

/**
 * SEQUENCE must grow whenever the event changes and stay put otherwise. The schema keeps no
 * revision counter, but updatedAt only moves forward: seconds from creation to the last change do.
 */
export function sequenceOf(m: Pick<CalendarMaintenance, 'createdAt' | 'updatedAt'>): number {
  return Math.max(0, Math.floor((Date.parse(m.updatedAt) - Date.parse(m.createdAt)) / 1000));
}

export function maintenanceCalendarIcs(data: CalendarData, lang: Lang, siteUrl = env.SITE_URL): string {
  const t = componentPageMessages(lang);
  const site = new URL(siteUrl);
  const pagePath = data.component ? `/components/${data.component.slug}` : '/';
  const cal = ical({
    name: t.calendarName(siteName(lang), data.component ? pick(lang, data.component.nameJa, data.component.nameEn) : undefined),
    prodId: { company: 'Tayori', product: 'status', language: lang.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    url: new URL(localePath(lang, pagePath), site).toString(),
    // Times are written in UTC (…Z): no VTIMEZONE needed, every client converts to its own zone.
    ttl: 60 * 30,
  });
  for (const m of data.maintenances) {
    cal.createEvent({
      // One UID per maintenance for life, the same in both languages' calendars.
      id: `maintenance-${m.id}@${site.hostname}`,
      sequence: sequenceOf(m),
      start: new Date(m.scheduledFor),
      end: new Date(m.scheduledUntil),
      stamp: new Date(m.updatedAt),
      lastModified: new Date(m.updatedAt),
      created: new Date(m.createdAt),
      summary: pick(lang, m.titleJa, m.titleEn),
      description: markdownToText(pick(lang, m.bodyJa, m.bodyEn)),
      url: new URL(localePath(lang, pagePath), site).toString(),
      // Tayori has no cancelled state for maintenance (scheduled → in progress → verifying → completed).
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}

/** The body of /{lang}/maintenance.ics and /{lang}/components/{slug}/maintenance.ics. */
export async function maintenanceCalendarResponse(lang: Lang, componentSlug: string | null): Promise<Response> {
  if (componentSlug !== null && !/^[a-z0-9-]{1,64}$/.test(componentSlug)) return new Response('unknown component\n', { status: 404 });
  const data = await getMaintenanceCalendar(componentSlug);
  if (!data) return new Response('unknown component\n', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(maintenanceCalendarIcs(data, lang), {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `inline; filename="${componentSlug ? `${componentSlug}-` : ''}maintenance.ics"`,
      // Calendar apps poll: shared caches keep it as long as the pages, like the feeds.
      'Cache-Control': publicCacheControl(),
    },
  });
}
