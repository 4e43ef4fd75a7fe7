import 'server-only';
import path from 'node:path';
import { db } from '../db';
import { CATALOGUE } from '../seed/catalogue';
import { isUnresolved } from '../status/types';
import { loadReports, type Report } from './reports';

export const CONTENT_DIR = path.join(process.cwd(), 'content', 'incidents');

export interface ImportSummary {
  componentsCreated: number;
  reportsImported: string[];
  reportsUnchanged: number;
}

/**
 * On a new install (no groups, no components), creates the catalogue's groups and components. On
 * an existing one, only adds the rules of catalogue components that have none (added to the
 * catalogue in a later version): staff manage components in the console, so a component or group
 * they deleted, renamed, moved or archived stays as they left it.
 */
export async function ensureCatalogue(): Promise<number> {
  const installed = (await db.component.count()) + (await db.componentGroup.count()) > 0;
  if (installed) {
    for (const c of CATALOGUE.flatMap((g) => g.components)) {
      if (!c.rule) continue;
      const existing = await db.component.findUnique({ where: { slug: c.slug }, select: { id: true, rule: { select: { id: true } } } });
      if (existing && !existing.rule) await db.componentMetricRule.create({ data: { ...c.rule, componentId: existing.id } });
    }
    return 0;
  }
  let created = 0;
  for (const [groupIndex, group] of CATALOGUE.entries()) {
    const g = await db.componentGroup.upsert({
      where: { slug: group.slug },
      update: {},
      create: { slug: group.slug, nameJa: group.nameJa, nameEn: group.nameEn, position: groupIndex },
    });
    for (const [position, c] of group.components.entries()) {
      const existing = await db.component.findUnique({ where: { slug: c.slug }, select: { id: true, rule: { select: { id: true } } } });
      if (existing) {
        if (c.rule && !existing.rule) await db.componentMetricRule.create({ data: { ...c.rule, componentId: existing.id } });
        continue;
      }
      const { rule, ...fields } = c;
      await db.component.create({
        data: {
          ...fields,
          position,
          groupId: g.id,
          statusChanges: { create: { oldStatus: null, newStatus: 'operational', cause: 'seed' } },
          ...(rule ? { rule: { create: rule } } : {}),
        },
      });
      created++;
    }
  }
  return created;
}

/** Validates every report in content/incidents and stores the new or changed ones. */
export async function importReports(dir = CONTENT_DIR): Promise<ImportSummary> {
  const componentsCreated = await ensureCatalogue();
  const components = await db.component.findMany({ select: { id: true, slug: true, status: true } });
  const bySlug = new Map(components.map((c) => [c.slug, c]));
  const reports = loadReports(dir, new Set(bySlug.keys()));

  const imported: string[] = [];
  for (const report of reports) {
    const existing = await db.incident.findUnique({ where: { slug: report.frontMatter.slug }, select: { contentHash: true } });
    if (existing?.contentHash === report.hash) continue;
    await storeReport(report, bySlug);
    imported.push(report.frontMatter.slug);
  }
  return { componentsCreated, reportsImported: imported, reportsUnchanged: reports.length - imported.length };
}

async function storeReport(report: Report, components: Map<string, { id: string; status: string }>) {
  const fm = report.frontMatter;
  // The report's 最終更新 is its own last change, never the time it was imported.
  const updatedAt = fm.updated_at ?? latest([fm.started_at, ...(fm.resolved_at ? [fm.resolved_at] : []), ...fm.timeline.map((e) => dayOrMoment(e.at.value))]);
  const fields = {
    titleJa: fm.title.ja,
    titleEn: fm.title.en,
    summaryJa: fm.summary.ja,
    summaryEn: fm.summary.en,
    impact: fm.impact,
    status: fm.status,
    startedAt: fm.started_at,
    resolvedAt: fm.resolved_at ?? null,
    maxDelayMinutes: fm.max_delay_minutes ?? null,
    reportJa: report.bodyJa,
    reportEn: report.bodyEn,
    source: 'content',
    contentHash: report.hash,
    published: true,
    updatedAt,
  };
  const componentId = (slug: string) => components.get(slug)!.id;

  await db.$transaction(async (tx) => {
    const incident = await tx.incident.upsert({
      where: { slug: fm.slug },
      update: fields,
      create: { slug: fm.slug, ...fields },
    });
    // A re-import replaces what the file describes; nothing else refers to these rows.
    await tx.incidentComponent.deleteMany({ where: { incidentId: incident.id } });
    await tx.incidentWindow.deleteMany({ where: { incidentId: incident.id } });
    await tx.incidentUpdate.deleteMany({ where: { incidentId: incident.id } });
    await tx.componentStatusChange.deleteMany({ where: { incidentId: incident.id, cause: 'content' } });

    await tx.incidentComponent.createMany({
      data: fm.components.map((c) => ({ incidentId: incident.id, componentId: componentId(c.slug), status: c.status })),
    });
    await tx.incidentWindow.createMany({
      data: fm.windows.map((w, position) => ({
        incidentId: incident.id,
        startAt: w.start,
        endAt: w.end ?? null,
        maxDelayMinutes: w.max_delay_minutes ?? null,
        position,
      })),
    });
    for (const entry of fm.timeline) {
      await tx.incidentUpdate.create({
        data: {
          incidentId: incident.id,
          status: entry.status,
          bodyJa: entry.text.ja,
          bodyEn: entry.text.en,
          displayAt: dayOrMoment(entry.at.value),
          precision: entry.at.precision,
        },
      });
    }

    // The windows become status history (for uptime), each affected component down for the
    // window and back afterwards.
    for (const w of fm.windows) {
      for (const c of fm.components) {
        await tx.componentStatusChange.create({
          data: { componentId: componentId(c.slug), oldStatus: 'operational', newStatus: c.status, cause: 'content', incidentId: incident.id, changedAt: w.start },
        });
        if (w.end) {
          await tx.componentStatusChange.create({
            data: { componentId: componentId(c.slug), oldStatus: c.status, newStatus: 'operational', cause: 'content', incidentId: incident.id, changedAt: w.end },
          });
        }
      }
    }

    // A report of an ongoing incident sets the components' current status.
    if (isUnresolved(fm.status)) {
      for (const c of fm.components) {
        const current = components.get(c.slug)!;
        if (current.status === c.status) continue;
        await tx.component.update({ where: { id: current.id }, data: { status: c.status } });
        await tx.componentStatusChange.create({
          data: { componentId: current.id, oldStatus: current.status, newStatus: c.status, cause: 'content', incidentId: incident.id },
        });
      }
    }
  });
}

function latest(dates: Date[]): Date {
  return new Date(Math.max(...dates.map((d) => d.getTime())));
}

// A day-only entry is placed at noon UTC so that it falls on the same calendar day in every
// time zone from UTC-11 to UTC+11, and is displayed without a time.
function dayOrMoment(value: string): Date {
  return value.length === 10 ? new Date(`${value}T12:00:00Z`) : new Date(value);
}
