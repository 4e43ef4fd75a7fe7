import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { db } from '../db';
import type { ComponentGroupDto } from '../status/dto';
import type { ComponentStatus } from '../status/types';

/** Component groups in display order, each with its components; archived components are left out. */
export const getComponentGroups = unstable_cache(
  async (): Promise<ComponentGroupDto[]> => {
    const groups = await db.componentGroup.findMany({
      orderBy: { position: 'asc' },
      include: { components: { where: { archivedAt: null }, orderBy: { position: 'asc' }, include: { rule: { select: { enabled: true, metric: true, flow: true } } } } },
    });
    return groups.map((g) => ({
      id: g.id,
      slug: g.slug,
      nameJa: g.nameJa,
      nameEn: g.nameEn,
      components: g.components.map((c) => {
        const delayRule = c.rule?.enabled && c.rule.metric === 'mail_delay' ? c.rule : null;
        return {
          id: c.id,
          slug: c.slug,
          nameJa: c.nameJa,
          nameEn: c.nameEn,
          descriptionJa: c.descriptionJa,
          descriptionEn: c.descriptionEn,
          status: c.status as ComponentStatus,
          noData: c.noData,
          currentDelayS: delayRule ? c.currentValue : null,
          measured: Boolean(delayRule),
          flow: delayRule ? (delayRule.flow as 'inbound' | 'outbound') : null,
          onlyShowIfDegraded: c.onlyShowIfDegraded,
        };
      }),
    }));
  },
  ['components:groups'],
  { tags: [TAGS.components], revalidate: 30 },
);
