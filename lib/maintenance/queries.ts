import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { db } from '../db';

export interface MaintenanceDto {
  id: string;
  slug: string;
  titleJa: string;
  titleEn: string;
  bodyJa: string;
  bodyEn: string;
  status: string;
  scheduledFor: string;
  scheduledUntil: string;
  componentSlugs: string[];
}

/** Maintenance that is coming up or under way, for the status page. */
export const getActiveAndUpcomingMaintenance = unstable_cache(
  async (): Promise<MaintenanceDto[]> => {
    const rows = await db.maintenance.findMany({
      where: { published: true, status: { in: ['scheduled', 'in_progress', 'verifying'] } },
      orderBy: { scheduledFor: 'asc' },
      include: { components: true },
    });
    const components = await db.component.findMany({ select: { id: true, slug: true } });
    const slugOf = new Map(components.map((c) => [c.id, c.slug]));
    return rows.map((m) => ({
      id: m.id,
      slug: m.slug,
      titleJa: m.titleJa,
      titleEn: m.titleEn,
      bodyJa: m.bodyJa,
      bodyEn: m.bodyEn,
      status: m.status,
      scheduledFor: m.scheduledFor.toISOString(),
      scheduledUntil: m.scheduledUntil.toISOString(),
      componentSlugs: m.components.map((c) => slugOf.get(c.componentId) ?? ''),
    }));
  },
  ['maintenance:active-upcoming'],
  { tags: [TAGS.components, TAGS.incidents], revalidate: 30 },
);
