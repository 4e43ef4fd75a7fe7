import 'server-only';
import { unstable_cache } from 'next/cache';
import { TAGS } from '../cache-tags';
import { NO_HTML, renderMarkdown } from '../content/markdown';
import { db } from '../db';
import type { IncidentDetailDto, IncidentSummaryDto, IncidentUpdateDto } from '../status/dto';
import { UNRESOLVED_INCIDENT_STATUSES, type ComponentStatus, type IncidentImpact, type IncidentStatus } from '../status/types';
import { currentSummary, lastChangedAt } from './current-text';

const UNRESOLVED: IncidentStatus[] = [...UNRESOLVED_INCIDENT_STATUSES];

const summaryInclude = {
  components: { include: { component: { select: { slug: true, nameJa: true, nameEn: true, position: true } } } },
  updates: { orderBy: { displayAt: 'desc' as const }, take: 1 },
} as const;

type UpdateRow = { id: string; status: string; bodyJa: string; bodyEn: string; displayAt: Date; precision: string };

function toUpdate(u: UpdateRow): IncidentUpdateDto {
  return {
    id: u.id,
    status: u.status as IncidentStatus,
    bodyJa: u.bodyJa,
    bodyEn: u.bodyEn,
    displayAt: u.displayAt.toISOString(),
    precision: u.precision === 'day' ? 'day' : 'minute',
  };
}

type SummaryRow = {
  id: string;
  slug: string;
  titleJa: string;
  titleEn: string;
  impact: string;
  status: string;
  startedAt: Date;
  resolvedAt: Date | null;
  components: { status: string; component: { slug: string; nameJa: string; nameEn: string; position: number } }[];
  updates: UpdateRow[];
};

function toSummary(row: SummaryRow): IncidentSummaryDto {
  return {
    id: row.id,
    slug: row.slug,
    titleJa: row.titleJa,
    titleEn: row.titleEn,
    impact: row.impact as IncidentImpact,
    status: row.status as IncidentStatus,
    startedAt: row.startedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    components: row.components
      .toSorted((a, b) => a.component.position - b.component.position)
      .map((c) => ({ slug: c.component.slug, nameJa: c.component.nameJa, nameEn: c.component.nameEn, status: c.status as ComponentStatus })),
    latestUpdate: row.updates[0] ? toUpdate(row.updates[0]) : null,
  };
}

/** Unresolved incidents, and incidents that started in the last `days` days. */
export const getCurrentIncidents = unstable_cache(
  async (days: number) => {
    const since = new Date(Date.now() - days * 24 * 3600 * 1000);
    const rows = await db.incident.findMany({
      where: { published: true, OR: [{ status: { in: UNRESOLVED } }, { startedAt: { gte: since } }] },
      include: summaryInclude,
      orderBy: { startedAt: 'desc' },
    });
    const all = rows.map(toSummary);
    return {
      unresolved: all.filter((i) => UNRESOLVED.includes(i.status)),
      recent: all.filter((i) => !UNRESOLVED.includes(i.status)),
    };
  },
  ['incidents:current'],
  { tags: [TAGS.incidents], revalidate: 30 },
);

/** One page of the history, newest first. */
export const getIncidentHistory = unstable_cache(
  async (page: number, pageSize: number) => {
    const [total, rows] = await Promise.all([
      db.incident.count({ where: { published: true } }),
      db.incident.findMany({
        where: { published: true },
        include: summaryInclude,
        orderBy: { startedAt: 'desc' },
        skip: (page - 1) * pageSize,
        take: pageSize,
      }),
    ]);
    return { total, pages: Math.max(1, Math.ceil(total / pageSize)), incidents: rows.map(toSummary) };
  },
  ['incidents:history'],
  { tags: [TAGS.incidents], revalidate: 30 },
);

export const getIncidentSlugs = unstable_cache(
  async () => (await db.incident.findMany({ where: { published: true }, select: { slug: true } })).map((r) => r.slug),
  ['incidents:slugs'],
  { tags: [TAGS.incidents], revalidate: 30 },
);

export const getIncident = unstable_cache(
  async (slug: string): Promise<IncidentDetailDto | null> => {
    const row = await db.incident.findUnique({
      where: { slug },
      include: {
        components: summaryInclude.components,
        updates: { orderBy: { displayAt: 'asc' } },
        windows: { orderBy: { position: 'asc' } },
      },
    });
    if (!row || !row.published) return null;
    const summary = toSummary({ ...row, updates: row.updates.slice(-1) });
    const reportVisible = row.source === 'content' || row.postmortemPublishedAt !== null;
    const now = currentSummary({ ja: row.summaryJa, en: row.summaryEn }, row.updates);
    return {
      ...summary,
      summaryJa: now.ja,
      summaryEn: now.en,
      maxDelayMinutes: row.maxDelayMinutes,
      updatedAt: lastChangedAt(row, row.updates).toISOString(),
      // Authored reports are published with their file; console reports once staff publish them.
      reportHtmlJa: reportVisible && row.reportJa ? renderMarkdown(row.reportJa) : NO_HTML,
      reportHtmlEn: reportVisible && row.reportEn ? renderMarkdown(row.reportEn) : NO_HTML,
      updates: row.updates.map(toUpdate),
      windows: row.windows.map((w) => ({
        startAt: w.startAt.toISOString(),
        endAt: w.endAt?.toISOString() ?? null,
        maxDelayMinutes: w.maxDelayMinutes,
      })),
    };
  },
  ['incidents:detail'],
  { tags: [TAGS.incidents], revalidate: 30 },
);
