import 'server-only';
import { countAbove, readCounts } from '#contracts/histogram';
import { MAIL_FLOWS, type MailFlow } from '#contracts/rollup-schema';
import { audit, listAuditBetween } from '../audit/log';
import { db } from '../db';
import { env } from '../env';
import { draftReport, type DefenceEvidence, type DefenceSource, type ReportEvidence } from '../incidents/report-draft';
import { mta } from '../mta/admin-client';
import { lateMailSettings } from './evaluate';
import { mergedWindows } from '../metrics/signals';
import { accounting, dayWindows, fromMtaEvent, mergeBursts, stageMaxima, WINDOW_MS, type RollupRow } from './report-figures';

// The evidence a final report is drafted from (lib/incidents/report-draft.ts words it): the
// incident's windows and the rule's measurements in them, per calendar day; the MTA's accounting
// of the flow's mail over the incident; the defences switched meanwhile, from the MTA's event log
// and the console's audit log. Everything is read back from what was recorded, nothing assumed.

// Rollups of a window reach the site a few seconds after it ends: the latest ones are left out.
const SETTLE_MS = WINDOW_MS + 5000;
const floorWindow = (t: number) => Math.floor(t / WINDOW_MS) * WINDOW_MS;
const isMailFlow = (flow: string): flow is MailFlow => (MAIL_FLOWS as readonly string[]).includes(flow);

/** The actor of the report drafts the site writes itself, in the audit log. */
export const DRAFT_ACTOR = { id: null, email: 'system' } as const;

async function incidentWithRule(incidentId: string) {
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    include: {
      components: { include: { component: { select: { id: true, nameJa: true, nameEn: true, rule: true } } } },
      windows: { orderBy: { position: 'asc' } },
    },
  });
  if (!incident) return null;
  // The rule that measured it: the automatic incident's own, else the first mail rule among its components.
  const linked = incident.components.map((c) => c.component);
  const measured = linked.find((c) => c.id === incident.autoComponentId) ?? linked.find((c) => c.rule?.metric === 'mail_delay' && isMailFlow(c.rule.flow));
  const rule = measured?.rule?.metric === 'mail_delay' && isMailFlow(measured.rule.flow) ? measured.rule : null;
  return { incident, rule, components: linked.map((c) => ({ nameJa: c.nameJa, nameEn: c.nameEn })) };
}

const AUDIT_DEFENCES: Record<string, (details: Record<string, unknown>) => Pick<DefenceEvidence, 'kind' | 'action' | 'target' | 'reason'>> = {
  'mail.block': (d) => ({ kind: 'blocklist', action: 'add', target: typeof d.kind === 'string' ? d.kind : undefined, reason: typeof d.reason === 'string' ? d.reason : null }),
  'mail.unblock': () => ({ kind: 'blocklist', action: 'remove', reason: null }),
  'mail.scan_policy': (d) => ({ kind: 'scan_policy', action: String(d.policy ?? 'unknown'), reason: typeof d.reason === 'string' ? d.reason : null }),
  'mail.flush': () => ({ kind: 'flush', action: 'flush', reason: null }),
};

async function defences(from: Date, to: Date): Promise<{ defences: DefenceEvidence[]; gaps: DefenceSource[] }> {
  const gaps: DefenceSource[] = [];
  const fromMta: DefenceEvidence[] = [];
  try {
    const { events } = await mta.events(1000);
    for (const e of events) {
      const t = Date.parse(e.at);
      if (t < from.getTime() || t > to.getTime()) continue;
      const d = fromMtaEvent(e);
      if (d) fromMta.push(d);
    }
    // The log holds the newest 1000: older ones in the period are beyond reach.
    if (events.length >= 1000 && Date.parse(events.at(-1)!.at) > from.getTime()) gaps.push('mta_events');
  } catch {
    gaps.push('mta_events');
  }
  const fromConsole: DefenceEvidence[] = [];
  for (const entry of await listAuditBetween(from, to, Object.keys(AUDIT_DEFENCES))) {
    const details = JSON.parse(entry.details) as Record<string, unknown>;
    const d: DefenceEvidence = { at: new Date(entry.at), actor: entry.actorEmail, automatic: false, count: 1, ...AUDIT_DEFENCES[entry.action]!(details) };
    // The console's changes reach the MTA's log too, with the staff member as actor: told once.
    const told = fromMta.some((m) => m.kind === d.kind && m.actor === d.actor && Math.abs(m.at.getTime() - d.at.getTime()) < 60_000);
    if (!told) fromConsole.push(d);
  }
  return { defences: mergeBursts([...fromMta, ...fromConsole]), gaps };
}

/** Everything the draft of an incident's final report is made from; null for an unknown incident. */
export async function gatherReportEvidence(incidentId: string, now = new Date()): Promise<ReportEvidence | null> {
  const found = await incidentWithRule(incidentId);
  if (!found) return null;
  const { incident, rule, components } = found;
  const timeZone = env.SITE_TIME_ZONE;
  const endedAt = new Date(Math.min((incident.resolvedAt ?? now).getTime(), now.getTime()));
  const windows = incident.windows.length ? incident.windows : [{ startAt: incident.startedAt, endAt: incident.resolvedAt, maxDelayS: null, messagesAffected: null }];
  const leadMs = (rule?.enterWindows ?? 0) * WINDOW_MS;
  // The period accounted for: from the slow windows that opened the incident to its resolution.
  const from = floorWindow(windows[0]!.startAt.getTime() - leadMs);
  const to = Math.max(from, floorWindow(Math.min(endedAt.getTime(), now.getTime() - SETTLE_MS)));
  const { defences: switched, gaps } = await defences(new Date(from), endedAt);

  const evidence: ReportEvidence = {
    timeZone,
    startedAt: incident.startedAt,
    resolvedAt: incident.resolvedAt,
    components,
    thresholdS: rule?.degradedAboveS ?? null,
    windows: windows.map((w) => ({ startAt: w.startAt, endAt: w.endAt, maxDelayS: w.maxDelayS ?? null })),
    lateMessages: null,
    stages: null,
    defences: switched,
    defenceGaps: gaps,
    accounting: null,
  };
  if (!rule) return evidence;

  const rows: RollupRow[] = await db.mailMetricRollup.findMany({
    where: { flow: rule.flow, windowStart: { gte: new Date(from - WINDOW_MS), lt: new Date(to) } },
    select: { source: true, windowStart: true, windowSeconds: true, accepted: true, delivered: true, bounced: true, queueDepth: true, oldestAgeS: true, histogram: true, delayMax: true, waitingHistogram: true, stageP95: true },
    orderBy: { windowStart: 'asc' },
  });
  const flow = rule.flow as MailFlow;
  evidence.windows = dayWindows(windows, mergedWindows(rows, flow), leadMs, endedAt, timeZone, lateMailSettings());
  evidence.accounting = accounting(rows, from, to);
  evidence.stages = stageMaxima(rows, from, to);
  // Late mail as the 【復旧】 notice counted it when the incident resolved; counted again where it was not.
  const counts = windows.map((w) => {
    if (w.messagesAffected !== null && w.messagesAffected !== undefined) return w.messagesAffected;
    const lo = w.startAt.getTime() - leadMs;
    const hi = (w.endAt ?? endedAt).getTime();
    const inWindow = rows.filter((r) => r.windowStart.getTime() >= lo && r.windowStart.getTime() < hi);
    return inWindow.length ? inWindow.reduce((sum, r) => sum + countAbove(readCounts(r.histogram), rule.degradedAboveS), 0) : null;
  });
  evidence.lateMessages = counts.every((c) => c !== null) ? counts.reduce((a, b) => a! + b!, 0) : null;
  return evidence;
}

/** The evidence as JSON for the audit log (dates as ISO 8601). */
export function evidenceRecord(e: ReportEvidence): Record<string, unknown> {
  return JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
}

/**
 * Drafts the final report of a resolved incident from the evidence, unless it has text already:
 * staff's words are never overwritten. Not published: staff edit and publish it in the console.
 * Returns whether a draft was written.
 */
export async function draftReportIfEmpty(incidentId: string, now = new Date()): Promise<boolean> {
  const evidence = await gatherReportEvidence(incidentId, now);
  if (!evidence) return false;
  const draft = draftReport(evidence);
  const written = await db.incident.updateMany({ where: { id: incidentId, reportJa: '', reportEn: '' }, data: { reportJa: draft.ja, reportEn: draft.en } });
  if (!written.count) return false;
  await audit(DRAFT_ACTOR, 'incident.report_drafted', { type: 'incident', id: incidentId }, { evidence: evidenceRecord(evidence) });
  return true;
}
