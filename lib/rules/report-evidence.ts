import 'server-only';
import { addInto, bucketOf, countAbove, emptyCounts, readCounts } from '#contracts/histogram';
import { AUTO_BLOCK_ACTOR } from '#contracts/mta-admin-api';
import { MAIL_FLOWS, type MailFlow } from '#contracts/rollup-schema';
import { audit, listAuditBetween } from '../audit/log';
import { db } from '../db';
import { env } from '../env';
import { draftReport, type AccountingEvidence, type DayWindow, type DefenceEvidence, type DefenceSource, type ReportEvidence } from '../incidents/report-draft';
import { bucketStart } from '../metrics/resolutions';
import { flowSignal, type FlowWindow } from '../metrics/signals';
import { mta, type MtaEvent } from '../mta/admin-client';
import { WINDOW_SECONDS } from './engine';
import { lateMailSettings } from './evaluate';

// The evidence a final report is drafted from (lib/incidents/report-draft.ts words it): the
// incident's windows and the rule's measurements in them, per calendar day; the MTA's accounting
// of the flow's mail over the incident; the defences switched meanwhile, from the MTA's event log
// and the console's audit log. Everything is read back from what was recorded, nothing assumed.

const WINDOW_MS = WINDOW_SECONDS * 1000;
// Rollups of a window reach the site a few seconds after it ends: the latest ones are left out.
const SETTLE_MS = WINDOW_MS + 5000;
const floorWindow = (t: number) => Math.floor(t / WINDOW_MS) * WINDOW_MS;
const isMailFlow = (flow: string): flow is MailFlow => (MAIL_FLOWS as readonly string[]).includes(flow);

/** The actor of the report drafts the site writes itself, in the audit log. */
export const DRAFT_ACTOR = { id: null, email: 'system' } as const;

interface RollupRow {
  source: string;
  windowStart: Date;
  windowSeconds: number;
  accepted: number;
  delivered: number;
  bounced: number;
  queueDepth: number;
  oldestAgeS: number;
  histogram: string;
  delayMax: number | null;
  waitingHistogram: string | null;
}

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

/** Each 10-second window merged across sources, as the rule judges it. */
function mergedWindows(rows: RollupRow[], flow: MailFlow): FlowWindow[] {
  const byWindow = new Map<number, FlowWindow>();
  for (const r of rows) {
    const key = r.windowStart.getTime();
    const w = byWindow.get(key) ?? { start: r.windowStart, seconds: r.windowSeconds, flow, delivered: emptyCounts(), deliveredMax: null, waiting: emptyCounts(), oldestWaitingS: 0, destinations: null };
    addInto(w.delivered, readCounts(r.histogram));
    if (r.delayMax !== null) w.deliveredMax = Math.max(w.deliveredMax ?? 0, r.delayMax);
    if (r.waitingHistogram) addInto(w.waiting, readCounts(r.waitingHistogram));
    else if (r.queueDepth > 0) w.waiting[bucketOf(r.oldestAgeS)]++;
    w.oldestWaitingS = Math.max(w.oldestWaitingS, r.oldestAgeS);
    byWindow.set(key, w);
  }
  return [...byWindow.values()];
}

/** The next midnight of the site's calendar (days are 23 to 25 hours long where clocks change). */
function nextMidnight(t: Date, timeZone: string): Date {
  return bucketStart(new Date(bucketStart(t, '1d', timeZone).getTime() + 36 * 3_600_000), '1d', timeZone);
}

/** An incident's windows split at the site's midnights, each part with the largest delay the rule measured in it. */
function dayWindows(windows: { startAt: Date; endAt: Date | null; maxDelayS: number | null }[], measured: FlowWindow[], leadMs: number, end: Date, timeZone: string): DayWindow[] {
  const settings = lateMailSettings();
  const peaks = measured.map((w) => ({ t: w.start.getTime(), peak: flowSignal(w, settings).peak }));
  const parts: DayWindow[] = [];
  for (const w of windows) {
    const until = w.endAt ?? end;
    const pieces: { startAt: Date; endAt: Date }[] = [];
    for (let from = w.startAt; from < until; ) {
      const to = new Date(Math.min(until.getTime(), nextMidnight(from, timeZone).getTime()));
      pieces.push({ startAt: from, endAt: to });
      from = to;
    }
    if (!pieces.length) pieces.push({ startAt: w.startAt, endAt: until });
    pieces.forEach((p, i) => {
      // The windows that opened the incident were slow before its start: the first part counts them.
      const lo = p.startAt.getTime() - (i === 0 ? leadMs : 0);
      const inPart = peaks.filter((x) => x.t >= lo && x.t < p.endAt.getTime());
      const peak = inPart.length ? Math.max(...inPart.map((x) => x.peak)) : null;
      parts.push({ startAt: p.startAt, endAt: i === pieces.length - 1 ? w.endAt : p.endAt, maxDelayS: peak ?? (pieces.length === 1 ? w.maxDelayS : null) });
    });
  }
  return parts;
}

/** accepted vs delivered vs returned vs still waiting, from every source's rollups over [from, to). */
function accounting(rows: RollupRow[], from: number, to: number): AccountingEvidence | null {
  const inPeriod = rows.filter((r) => r.windowStart.getTime() >= from && r.windowStart.getTime() < to);
  const sources = [...new Set(inPeriod.map((r) => r.source))];
  if (!sources.length || to <= from) return null;
  const depthAt = (t: number) => {
    const at = rows.filter((r) => r.windowStart.getTime() === t);
    // Every source must have reported that window, else the queue then is not known.
    return sources.every((s) => at.some((r) => r.source === s)) ? at.reduce((sum, r) => sum + r.queueDepth, 0) : null;
  };
  const windows = (to - from) / WINDOW_MS;
  const seen = new Set(inPeriod.map((r) => `${r.source}\0${r.windowStart.getTime()}`));
  return {
    from: new Date(from),
    to: new Date(to),
    accepted: inPeriod.reduce((s, r) => s + r.accepted, 0),
    delivered: inPeriod.reduce((s, r) => s + r.delivered, 0),
    bounced: inPeriod.reduce((s, r) => s + r.bounced, 0),
    queuedBefore: depthAt(from - WINDOW_MS),
    queuedAfter: depthAt(to - WINDOW_MS),
    missingWindows: sources.length * windows - seen.size,
    expectedWindows: sources.length * windows,
  };
}

const DEFENCE_KINDS = new Set(['scan_policy', 'blocklist', 'flush']);

function fromMtaEvent(e: MtaEvent): DefenceEvidence | null {
  if (!DEFENCE_KINDS.has(e.kind)) return null;
  const d = e.detail as { from?: string; to?: string; bypassing?: boolean; action?: string; kind?: string };
  const automatic = e.actor === AUTO_BLOCK_ACTOR || e.actor === 'expiry';
  const base = { at: new Date(e.at), actor: e.actor, automatic, count: 1, reason: e.reason };
  if (e.kind === 'scan_policy') {
    // The breaker (policy auto) says whether it skips or resumes; staff set a policy.
    const breaker = automatic && d.from === 'auto' && d.to === 'auto';
    return { ...base, kind: 'scan_policy', action: breaker ? (d.bypassing ? 'skip' : 'resume') : String(d.to ?? 'unknown') };
  }
  if (e.kind === 'blocklist') return { ...base, kind: 'blocklist', action: String(d.action ?? 'add'), target: d.kind };
  return { ...base, kind: 'flush', action: 'flush' };
}

const AUDIT_DEFENCES: Record<string, (details: Record<string, unknown>) => Pick<DefenceEvidence, 'kind' | 'action' | 'target' | 'reason'>> = {
  'mail.block': (d) => ({ kind: 'blocklist', action: 'add', target: typeof d.kind === 'string' ? d.kind : undefined, reason: typeof d.reason === 'string' ? d.reason : null }),
  'mail.unblock': () => ({ kind: 'blocklist', action: 'remove', reason: null }),
  'mail.scan_policy': (d) => ({ kind: 'scan_policy', action: String(d.policy ?? 'unknown'), reason: typeof d.reason === 'string' ? d.reason : null }),
  'mail.flush': () => ({ kind: 'flush', action: 'flush', reason: null }),
};

/** Changes of the same kind in the same minute are one line ("12 client addresses blocked"). */
function mergeBursts(defences: DefenceEvidence[]): DefenceEvidence[] {
  const out: DefenceEvidence[] = [];
  for (const d of defences.sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const last = out.at(-1);
    const same = last && last.kind === d.kind && last.action === d.action && last.target === d.target && last.actor === d.actor && Math.floor(last.at.getTime() / 60_000) === Math.floor(d.at.getTime() / 60_000);
    if (same) {
      last.count += d.count;
      if (last.reason !== d.reason) last.reason = null;
    } else out.push({ ...d });
  }
  return out;
}

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
    // The site does not keep the rollups' stage_p95_s: where the time went is said to be unknown.
    stages: null,
    defences: switched,
    defenceGaps: gaps,
    accounting: null,
  };
  if (!rule) return evidence;

  const rows: RollupRow[] = await db.mailMetricRollup.findMany({
    where: { flow: rule.flow, windowStart: { gte: new Date(from - WINDOW_MS), lt: new Date(to) } },
    select: { source: true, windowStart: true, windowSeconds: true, accepted: true, delivered: true, bounced: true, queueDepth: true, oldestAgeS: true, histogram: true, delayMax: true, waitingHistogram: true },
    orderBy: { windowStart: 'asc' },
  });
  const flow = rule.flow as MailFlow;
  evidence.windows = dayWindows(windows, mergedWindows(rows, flow), leadMs, endedAt, timeZone);
  evidence.accounting = accounting(rows, from, to);
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
