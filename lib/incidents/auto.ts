import 'server-only';
import { formatInTimeZone } from 'date-fns-tz';
import { db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { env } from '../env';
import { countAbove } from '../metrics/histogram';
import { RULE_LEVELS, WINDOW_SECONDS, type RuleLevel } from '../metrics/rules';
import type { ComponentStatus } from '../status/types';
import {
  grewText,
  IMPACT_FOR_STATUS,
  openedText,
  recoveredText,
  recurredText,
  resolvedText,
  shrankText,
  titleFor,
} from './auto-templates';
import { enqueueIncidentNotice } from '../notices/enqueue';

// Automatic incidents: opened, updated and resolved by the metric rules, in both languages,
// with the measured figures; published at once unless AUTO_PUBLISH=false.

const UNRESOLVED = ['investigating', 'identified', 'monitoring'];
const IMPACT_RANK = { none: 0, minor: 1, major: 2, critical: 3 } as const;
const rank = (s: string) => RULE_LEVELS.indexOf(s as RuleLevel);

interface ComponentRow {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
}

function isUniqueViolation(error: unknown) {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function openAutoIncident(componentId: string) {
  return db.incident.findFirst({
    where: { autoComponentId: componentId, source: 'auto', status: { in: UNRESOLVED } },
    include: { windows: { orderBy: { position: 'desc' }, take: 1 } },
  });
}

/**
 * Follows a component's rule-driven status change with the incident customers read. Site
 * processes sharing a database may get here at once for successive changes of one component:
 * `Incident.autoOpenFor` is unique, so only one of them opens the incident, and the others
 * follow it with their change (`retried`).
 */
export async function syncAutoIncident(component: ComponentRow, from: ComponentStatus, to: ComponentStatus, at: Date, delayS: number, retried = false) {
  const open = await openAutoIncident(component.id);
  const degraded = rank(to) >= rank('degraded_performance');

  if (!open) {
    if (!degraded) return;
    // Staff already have an incident covering this component: theirs is the one to follow.
    const covered = await db.incidentComponent.findFirst({
      where: { componentId: component.id, incident: { status: { in: UNRESOLVED } } },
      select: { incident: { select: { autoOpenFor: true } } },
    });
    // …unless it is the automatic one, opened by another process since the lookup above.
    if (covered?.incident.autoOpenFor === component.id && !retried) return syncAutoIncident(component, from, to, at, delayS, true);
    if (covered) return;
    try {
      await createAutoIncident(component, from, to, at, delayS);
    } catch (error) {
      if (retried || !isUniqueViolation(error)) throw error;
      await syncAutoIncident(component, from, to, at, delayS, true);
    }
    return;
  }

  const transitions = { create: [{ componentId: component.id, oldStatus: from, newStatus: to }] };
  if (degraded) {
    const impact = IMPACT_FOR_STATUS[to]!;
    const raiseImpact = IMPACT_RANK[impact] > IMPACT_RANK[open.impact as keyof typeof IMPACT_RANK];
    const recurred = open.status === 'monitoring';
    const text = recurred ? recurredText(component, delayS) : rank(to) > rank(from) ? grewText(component, delayS) : shrankText(component, delayS);
    const [, update] = await db.$transaction([
      // The summary follows every automatic update, so the page never shows a superseded text.
      db.incident.update({ where: { id: open.id }, data: { status: 'investigating', summaryJa: text.ja, summaryEn: text.en, ...(raiseImpact ? { impact } : {}) } }),
      db.incidentUpdate.create({ data: { incidentId: open.id, status: 'investigating', bodyJa: text.ja, bodyEn: text.en, displayAt: at, transitions } }),
      db.incidentComponent.updateMany({
        where: { incidentId: open.id, componentId: component.id, status: { in: RULE_LEVELS.filter((l) => rank(l) < rank(to)) } },
        data: { status: to },
      }),
      ...(recurred
        ? [db.incidentWindow.create({ data: { incidentId: open.id, startAt: at, maxDelayS: delayS, maxDelayMinutes: Math.round(delayS / 60), position: (open.windows[0]?.position ?? -1) + 1 } })]
        : []),
    ]);
    await enqueueIncidentNotice(open.id, update.id); // notices: 【続報】 to subscribers
    return;
  }

  // Back to operational: monitoring, and the window closes.
  if (open.status !== 'monitoring') {
    const text = recoveredText(component);
    const [, update] = await db.$transaction([
      db.incident.update({ where: { id: open.id }, data: { status: 'monitoring', summaryJa: text.ja, summaryEn: text.en } }),
      db.incidentUpdate.create({ data: { incidentId: open.id, status: 'monitoring', bodyJa: text.ja, bodyEn: text.en, displayAt: at, transitions } }),
      ...(open.windows[0] && !open.windows[0].endAt ? [db.incidentWindow.update({ where: { id: open.windows[0].id }, data: { endAt: at } })] : []),
    ]);
    await enqueueIncidentNotice(open.id, update.id); // notices: 【続報】 to subscribers
  }
}

async function createAutoIncident(component: ComponentRow, from: ComponentStatus, to: ComponentStatus, at: Date, delayS: number) {
  const title = titleFor(component);
  const text = openedText(component, delayS);
  const stamp = formatInTimeZone(at, env.SITE_TIME_ZONE, 'yyyyMMdd-HHmm');
  let slug = `${stamp}-${component.slug}-delay`;
  if (await db.incident.findUnique({ where: { slug }, select: { id: true } })) slug = `${slug}-${at.getTime().toString(36)}`;
  const incident = await db.incident.create({
    data: {
      slug,
      titleJa: title.ja,
      titleEn: title.en,
      summaryJa: text.ja,
      summaryEn: text.en,
      impact: IMPACT_FOR_STATUS[to] ?? 'minor',
      status: 'investigating',
      startedAt: at,
      maxDelayMinutes: Math.round(delayS / 60),
      source: 'auto',
      published: env.AUTO_PUBLISH,
      autoComponentId: component.id,
      autoOpenFor: component.id,
      components: { create: [{ componentId: component.id, status: to }] },
      windows: { create: [{ startAt: at, maxDelayS: delayS, maxDelayMinutes: Math.round(delayS / 60), position: 0 }] },
      updates: {
        create: [
          {
            status: 'investigating',
            bodyJa: text.ja,
            bodyEn: text.en,
            displayAt: at,
            transitions: { create: [{ componentId: component.id, oldStatus: from, newStatus: to }] },
          },
        ],
      },
    },
  });
  await enqueueIncidentNotice(incident.id, null, 'incident_opened'); // notices: 【障害発生】 to subscribers
}

/** Keeps the largest delay measured while an automatic incident's window is open. */
export async function trackOpenWindow(componentId: string, delayS: number) {
  const open = await openAutoIncident(componentId);
  const window = open?.windows[0];
  if (!open || !window || window.endAt || (window.maxDelayS ?? 0) >= delayS) return;
  await db.incidentWindow.update({ where: { id: window.id }, data: { maxDelayS: delayS, maxDelayMinutes: Math.round(delayS / 60) } });
  if ((open.maxDelayMinutes ?? 0) < Math.round(delayS / 60)) {
    await db.incident.update({ where: { id: open.id }, data: { maxDelayMinutes: Math.round(delayS / 60) } });
  }
}

/** Resolves automatic incidents whose component has been healthy for AUTO_RESOLVE_MINUTES. */
export async function resolveRecoveredAutoIncidents(now: Date): Promise<boolean> {
  const candidates = await db.incident.findMany({
    where: { source: 'auto', status: 'monitoring' },
    include: { windows: { orderBy: { position: 'asc' } } },
  });
  let resolved = false;
  for (const incident of candidates) {
    const last = incident.windows.at(-1);
    if (!last?.endAt || now.getTime() - last.endAt.getTime() < env.AUTO_RESOLVE_MINUTES * 60_000) continue;
    const component = await db.component.findUnique({ where: { id: incident.autoComponentId ?? '' }, include: { rule: true } });
    if (!component) continue;
    const threshold = component.rule?.degradedAboveS ?? 300;

    let affectedTotal = 0;
    for (const w of incident.windows) {
      const affected = await messagesDelayedBetween(w.startAt, w.endAt ?? now, threshold, (component.rule?.enterWindows ?? 2) * WINDOW_SECONDS, component.rule?.flow ?? 'inbound');
      affectedTotal += affected;
      await db.incidentWindow.update({ where: { id: w.id }, data: { messagesAffected: affected } });
    }
    const maxDelayS = Math.max(0, ...incident.windows.map((w) => w.maxDelayS ?? 0));
    const text = resolvedText(component, maxDelayS, affectedTotal);
    const update = await db.$transaction(async (tx) => {
      // Conditional, so that of two site processes resolving at once only one posts 【復旧】.
      const resolving = await tx.incident.updateMany({
        where: { id: incident.id, status: 'monitoring' },
        data: { status: 'resolved', resolvedAt: now, maxDelayMinutes: Math.round(maxDelayS / 60), autoOpenFor: null, summaryJa: text.ja, summaryEn: text.en },
      });
      if (!resolving.count) return null;
      return tx.incidentUpdate.create({ data: { incidentId: incident.id, status: 'resolved', bodyJa: text.ja, bodyEn: text.en, displayAt: now } });
    });
    if (!update) continue;
    await enqueueIncidentNotice(incident.id, update.id); // notices: 【復旧】 to subscribers
    resolved = true;
  }
  return resolved;
}

/**
 * Messages of the rule's flow delivered later than `thresholdS` in a window, from the raw 10-second rollups (kept for
 * two days, much longer than an incident waits to be resolved). The window opens when the rule
 * changed, after `leadS` of slow windows that triggered it: those count too.
 */
async function messagesDelayedBetween(from: Date, to: Date, thresholdS: number, leadS: number, flow: string): Promise<number> {
  const rows = await db.mailMetricRollup.findMany({
    where: { flow, windowStart: { gte: new Date(from.getTime() - leadS * 1000), lt: to } },
    select: { histogram: true },
  });
  return rows.reduce((sum, r) => sum + countAbove((JSON.parse(r.histogram) as { counts: number[] }).counts, thresholdS), 0);
}
