import 'server-only';
import { formatInTimeZone } from 'date-fns-tz';
import { db, type Db } from '../db';
import { env } from '../env';
import { FAULT_LEVELS, impactRank, UNRESOLVED_INCIDENT_STATUSES, type ComponentStatus, type FaultLevel } from '../status/types';
import { autoIncidentTexts, IMPACT_FOR_STATUS, type AutoIncidentTexts } from './auto-templates';

// Automatic incidents: opened, updated and resolved by the metric rules, in both languages,
// with the measured figures; published at once unless AUTO_PUBLISH=false. The writes happen in
// the rule evaluation's transaction (lib/rules/evaluate.ts), which enqueues the notice each one
// calls for after it commits (and, should the process die in between, the notice sweep does).

const UNRESOLVED = [...UNRESOLVED_INCIDENT_STATUSES];
const rank = (s: string) => FAULT_LEVELS.indexOf(s as FaultLevel);

interface ComponentRow {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
}

/** A notice to enqueue once the transaction that wrote its update has committed. */
export interface PendingNotice {
  incidentId: string;
  updateId: string | null;
  /** The opening update's notice is 【障害発生】; the others follow from the update. */
  kind?: 'incident_opened';
}

function openAutoIncident(tx: Db, componentId: string) {
  return tx.incident.findFirst({
    where: { autoComponentId: componentId, source: 'auto', status: { in: UNRESOLVED } },
    include: { windows: { orderBy: { position: 'desc' }, take: 1 } },
  });
}

/**
 * Follows a component's rule-driven status change with the incident customers read. Runs inside
 * the evaluation's transaction, which only one process gets to commit for a given rule version;
 * `Incident.autoOpenFor` is unique besides, so a component never has two open.
 */
export async function syncAutoIncident(tx: Db, component: ComponentRow, from: ComponentStatus, to: ComponentStatus, at: Date, delayS: number, metric?: string): Promise<PendingNotice | null> {
  const words = autoIncidentTexts(metric);
  const open = await openAutoIncident(tx, component.id);
  const degraded = rank(to) >= rank('degraded_performance');

  if (!open) {
    if (!degraded) return null;
    // Staff already have an incident covering this component: theirs is the one to follow.
    const covered = await tx.incidentComponent.findFirst({ where: { componentId: component.id, incident: { status: { in: UNRESOLVED } } }, select: { incidentId: true } });
    if (covered) return null;
    return createAutoIncident(tx, component, from, to, at, delayS, words);
  }

  const transitions = { create: [{ componentId: component.id, oldStatus: from, newStatus: to }] };
  if (degraded) {
    const impact = IMPACT_FOR_STATUS[to]!;
    const raiseImpact = impactRank(impact) > impactRank(open.impact);
    const recurred = open.status === 'monitoring';
    const text = recurred ? words.recurred(component, to, delayS) : rank(to) > rank(from) ? words.grew(component, to, delayS) : words.shrank(component, to, delayS);
    // The summary follows every automatic update, so the page never shows a superseded text.
    await tx.incident.update({ where: { id: open.id }, data: { status: 'investigating', summaryJa: text.ja, summaryEn: text.en, ...(raiseImpact ? { impact } : {}) } });
    const update = await tx.incidentUpdate.create({ data: { incidentId: open.id, status: 'investigating', bodyJa: text.ja, bodyEn: text.en, displayAt: at, transitions } });
    await tx.incidentComponent.updateMany({
      where: { incidentId: open.id, componentId: component.id, status: { in: FAULT_LEVELS.filter((l) => rank(l) < rank(to)) } },
      data: { status: to },
    });
    if (recurred) {
      await tx.incidentWindow.create({ data: { incidentId: open.id, startAt: at, ...windowDelay(words, delayS), position: (open.windows[0]?.position ?? -1) + 1 } });
    }
    return { incidentId: open.id, updateId: update.id }; // 【続報】 to subscribers
  }

  // Back to operational: monitoring, and the window closes.
  if (open.status === 'monitoring') return null;
  const text = words.recovered(component);
  await tx.incident.update({ where: { id: open.id }, data: { status: 'monitoring', summaryJa: text.ja, summaryEn: text.en } });
  const update = await tx.incidentUpdate.create({ data: { incidentId: open.id, status: 'monitoring', bodyJa: text.ja, bodyEn: text.en, displayAt: at, transitions } });
  if (open.windows[0] && !open.windows[0].endAt) await tx.incidentWindow.update({ where: { id: open.windows[0].id }, data: { endAt: at } });
  return { incidentId: open.id, updateId: update.id }; // 【続報】 to subscribers
}

/** The delay an incident window records: mail delay only, none for an outage told by alerts or probes. */
function windowDelay(words: AutoIncidentTexts, delayS: number) {
  return words.measuresDelay ? { maxDelayS: delayS, maxDelayMinutes: Math.round(delayS / 60) } : {};
}

async function createAutoIncident(tx: Db, component: ComponentRow, from: ComponentStatus, to: ComponentStatus, at: Date, delayS: number, words: AutoIncidentTexts): Promise<PendingNotice> {
  const title = words.title(component);
  const text = words.opened(component, to, delayS);
  const stamp = formatInTimeZone(at, env.SITE_TIME_ZONE, 'yyyyMMdd-HHmm');
  let slug = `${stamp}-${component.slug}-${words.slugWord}`;
  if (await tx.incident.findUnique({ where: { slug }, select: { id: true } })) slug = `${slug}-${at.getTime().toString(36)}`;
  const incident = await tx.incident.create({
    data: {
      slug,
      titleJa: title.ja,
      titleEn: title.en,
      summaryJa: text.ja,
      summaryEn: text.en,
      impact: IMPACT_FOR_STATUS[to] ?? 'minor',
      status: 'investigating',
      startedAt: at,
      maxDelayMinutes: words.measuresDelay ? Math.round(delayS / 60) : null,
      source: 'auto',
      published: env.AUTO_PUBLISH,
      autoComponentId: component.id,
      autoOpenFor: component.id,
      components: { create: [{ componentId: component.id, status: to }] },
      windows: { create: [{ startAt: at, ...windowDelay(words, delayS), position: 0 }] },
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
  return { incidentId: incident.id, updateId: null, kind: 'incident_opened' }; // 【障害発生】 to subscribers
}

/** Keeps the largest delay measured while an automatic incident's window is open. */
export async function trackOpenWindow(tx: Db, componentId: string, delayS: number) {
  const open = await openAutoIncident(tx, componentId);
  const window = open?.windows[0];
  if (!open || !window || window.endAt || (window.maxDelayS ?? 0) >= delayS) return;
  await tx.incidentWindow.update({ where: { id: window.id }, data: { maxDelayS: delayS, maxDelayMinutes: Math.round(delayS / 60) } });
  if ((open.maxDelayMinutes ?? 0) < Math.round(delayS / 60)) {
    await tx.incident.update({ where: { id: open.id }, data: { maxDelayMinutes: Math.round(delayS / 60) } });
  }
}

/** How many messages a component's rule counts as late in one of its incident's windows (lib/metrics). */
export type LateMessageCounter = (window: { startAt: Date; endAt: Date }, rule: { degradedAboveS: number; enterWindows: number; flow: string } | null) => Promise<number>;

/**
 * Resolves automatic incidents whose component has been healthy for AUTO_RESOLVE_MINUTES, with
 * the number of messages delivered late in their windows (counted by the caller, which owns the
 * measurements). Returns the 【復旧】 notices to enqueue, one per incident resolved here.
 */
export async function resolveRecoveredAutoIncidents(now: Date, countLate: LateMessageCounter): Promise<PendingNotice[]> {
  const candidates = await db.incident.findMany({
    where: { source: 'auto', status: 'monitoring' },
    include: { windows: { orderBy: { position: 'asc' } } },
  });
  const notices: PendingNotice[] = [];
  for (const incident of candidates) {
    const last = incident.windows.at(-1);
    if (!last?.endAt || now.getTime() - last.endAt.getTime() < env.AUTO_RESOLVE_MINUTES * 60_000) continue;
    const component = await db.component.findUnique({ where: { id: incident.autoComponentId ?? '' }, include: { rule: true } });
    if (!component) continue;
    const words = autoIncidentTexts(component.rule?.metric);
    let affectedTotal = 0;
    // Late messages are counted for mail; an outage told by alerts or probes has none to count.
    for (const w of words.measuresDelay ? incident.windows : []) {
      const affected = await countLate({ startAt: w.startAt, endAt: w.endAt ?? now }, component.rule);
      affectedTotal += affected;
      await db.incidentWindow.update({ where: { id: w.id }, data: { messagesAffected: affected } });
    }
    const maxDelayS = Math.max(0, ...incident.windows.map((w) => w.maxDelayS ?? 0));
    const text = words.resolved(component, maxDelayS, affectedTotal);
    const update = await db.$transaction(async (tx) => {
      // Conditional, so that of two site processes resolving at once only one posts 【復旧】.
      const resolving = await tx.incident.updateMany({
        where: { id: incident.id, status: 'monitoring' },
        data: { status: 'resolved', resolvedAt: now, maxDelayMinutes: words.measuresDelay ? Math.round(maxDelayS / 60) : null, autoOpenFor: null, summaryJa: text.ja, summaryEn: text.en },
      });
      if (!resolving.count) return null;
      return tx.incidentUpdate.create({ data: { incidentId: incident.id, status: 'resolved', bodyJa: text.ja, bodyEn: text.en, displayAt: now } });
    });
    if (update) notices.push({ incidentId: incident.id, updateId: update.id }); // 【復旧】 to subscribers
  }
  return notices;
}
