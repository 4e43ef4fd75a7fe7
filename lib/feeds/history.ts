import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { renderMarkdown } from '../content/markdown';
import { markdownToText } from '../content/plain-text';
import { db } from '../db';

export interface FeedEntryDto {
  incidentSlug: string;
  titleJa: string;
  titleEn: string;
  updateId: string;
  status: string;
  /** The update's markdown rendered once here, cached with the entries: sanitised HTML and plain text. */
  htmlJa: string;
  htmlEn: string;
  textJa: string;
  textEn: string;
  displayAt: string;
  precision: string;
}

export interface FeedDto {
  component: { slug: string; nameJa: string; nameEn: string } | null;
  entries: FeedEntryDto[];
}

const LIMIT = 100;

/**
 * The latest updates of published incidents, newest first, for the whole site or one component.
 * Cached with the status pages' tags, so a feed reader's poll costs no query; null for an unknown
 * component.
 */
export const getFeedEntries = unstable_cache(
  async (componentSlug: string | null): Promise<FeedDto | null> => {
    const component = componentSlug ? await db.component.findUnique({ where: { slug: componentSlug }, select: { id: true, slug: true, nameJa: true, nameEn: true } }) : null;
    if (componentSlug && !component) return null;
    const updates = await db.incidentUpdate.findMany({
      where: { incident: { published: true, ...(component ? { components: { some: { componentId: component.id } } } : {}) } },
      orderBy: [{ displayAt: 'desc' }, { createdAt: 'desc' }],
      take: LIMIT,
      include: { incident: { select: { slug: true, titleJa: true, titleEn: true } } },
    });
    return {
      component: component ? { slug: component.slug, nameJa: component.nameJa, nameEn: component.nameEn } : null,
      entries: updates.map((u) => ({
        incidentSlug: u.incident.slug,
        titleJa: u.incident.titleJa,
        titleEn: u.incident.titleEn,
        updateId: u.id,
        status: u.status,
        htmlJa: renderMarkdown(u.bodyJa),
        htmlEn: u.bodyEn ? renderMarkdown(u.bodyEn) : '',
        textJa: markdownToText(u.bodyJa),
        textEn: u.bodyEn ? markdownToText(u.bodyEn) : '',
        displayAt: u.displayAt.toISOString(),
        precision: u.precision,
      })),
    };
  },
  // v2: entries carry rendered HTML and text instead of markdown.
  ['feeds:history:v2'],
  { tags: [TAGS.incidents, TAGS.components], revalidate: 60 },
);
