import 'server-only';
import { crashPoint } from '../crash-points';
import { db, type Db } from '../db';
import { resolveRecoveredAutoIncidents, syncAutoIncident, trackOpenWindow, type LateMessageCounter, type PendingNotice } from '../incidents/auto';
import { enqueueIncidentNotice } from '../notices/enqueue';
import { noteScanBypass, noteScanResumed } from '../incidents/scan-bypass';
import type { ComponentStatus } from '../status/types';
import { env } from '../env';
import { countAbove, readCounts } from '#contracts/histogram';
import { MAIL_FLOWS, type MailFlow } from '#contracts/rollup-schema';
import { checkNoData, classify, observe, WINDOW_SECONDS, type RuleConfig, type RuleLevel, type RuleState, type RuleStatus, type WindowObservation } from './engine';
import { flowSignal, mergedWindows, type FlowWindow, type LateMailSettings } from '../metrics/signals';
import { draftReportIfEmpty } from './report-evidence';
import { probesBetween } from '../canary/probes';
import { missingAgeAt } from '../canary/signal';
import { signalWindows, withSignals } from './signal-windows';
import { SIGNALS_METRIC } from './signal-rule';

const isMailFlow = (flow: string): flow is MailFlow => (MAIL_FLOWS as readonly string[]).includes(flow);

// A window is judged once every source has had time to report it: MTAs push right after a
// window ends, so 5 s after its end is enough in practice.
const JUDGE_AFTER_MS = (WINDOW_SECONDS + 5) * 1000;
// On first evaluation, look back this far.
const FIRST_LOOKBACK_MS = 60 * 60_000;
const processStart = new Date();

export interface EvaluationResult {
  /** A component status, "no data" flag or incident changed: cached pages must be refreshed. */
  changed: boolean;
}

let running: Promise<unknown> = Promise.resolve();
let waiting: Promise<EvaluationResult> | null = null;

/**
 * Evaluates every enabled rule on the windows that arrived since the last evaluation. One runs at
 * a time in this process, and calls made while one runs share the next run: it sees their data.
 * Other site processes on the same database may evaluate at the same moment: each rule's version
 * lets one of them apply a given outcome, and the automatic incident's unique key
 * (lib/incidents/auto.ts) keeps a component to one open incident.
 */
export function evaluateRules(): Promise<EvaluationResult> {
  if (waiting) return waiting;
  const next = running.then(() => {
    waiting = null;
    return evaluateOnce(new Date());
  });
  waiting = next;
  running = next.catch(() => undefined);
  return next;
}

async function evaluateOnce(now: Date): Promise<EvaluationResult> {
  const rules = await db.componentMetricRule.findMany({ where: { enabled: true }, include: { component: true } });
  let changed = false;
  for (const rule of rules) {
    if (await evaluateRule(rule, now)) changed = true;
  }
  const resolved = await resolveRecoveredAutoIncidents(now, countLateMessages);
  await enqueuePending(resolved);
  if (resolved.length) changed = true;
  for (const { incidentId } of resolved) await draftReportQuietly(incidentId, now);
  return { changed };
}

/**
 * The final report's draft, from the evidence, for staff to edit and publish. A failure (the
 * MTA's admin API down, a busy database) leaves the report empty: the console drafts on demand.
 */
async function draftReportQuietly(incidentId: string, now: Date): Promise<void> {
  try {
    // The draft words mail delay and its evidence: an outage told by alerts or probes has none.
    const incident = await db.incident.findUnique({ where: { id: incidentId }, select: { autoComponentId: true } });
    const rule = incident?.autoComponentId ? await db.componentMetricRule.findUnique({ where: { componentId: incident.autoComponentId }, select: { metric: true } }) : null;
    if (rule?.metric === SIGNALS_METRIC) return;
    await draftReportIfEmpty(incidentId, now);
  } catch (error) {
    console.error(`drafting the report of incident ${incidentId} failed: ${(error as Error).message}`);
  }
}

type RuleRow = Awaited<ReturnType<typeof db.componentMetricRule.findMany<{ include: { component: true } }>>>[number];
type ComponentRow = RuleRow['component'];

/**
 * One flow's windows, each merged across the sources that reported it. A source that does not
 * report waiting ages (older senders) counts its queue as one message of the oldest age: its
 * backlog still shows once the mail is delivered late, but it cannot turn a status by itself.
 */
export async function flowWindows(flow: MailFlow, after: Date, upTo: Date): Promise<FlowWindow[]> {
  const rows = await db.mailMetricRollup.findMany({
    where: { flow, windowStart: { gt: after, lte: upTo } },
    select: { windowStart: true, windowSeconds: true, histogram: true, delayMax: true, queueDepth: true, oldestAgeS: true, waitingHistogram: true, destinationHistogram: true },
    orderBy: { windowStart: 'asc' },
  });
  return mergedWindows(rows, flow);
}

/** A flow's delay per window, as the rule judges it (lib/metrics/signals.ts). */
export async function mailDelayWindows(after: Date, upTo: Date, flow: MailFlow = 'inbound'): Promise<WindowObservation[]> {
  const settings = lateMailSettings();
  const observations = (await flowWindows(flow, after, upTo)).map((w) => {
    const signal = flowSignal(w, settings);
    return { start: w.start, seconds: w.seconds, value: signal.value, peak: signal.peak };
  });
  return flow === 'inbound' && env.CANARY_ENABLED ? withMissingCanary(observations) : observations;
}

// A canary is looked at this far back: one missing longer than this has long turned the status.
const CANARY_LOOKBACK_MS = 6 * 3600_000;

/**
 * The canary's say in inbound windows: one missing for CANARY_MISSING_AFTER_MIN is mail that is
 * not getting through, however few messages the MTA sees waiting (one test message never makes
 * the backlog figure by itself), so the window's delay is at least how long it has been missing.
 */
async function withMissingCanary(observations: WindowObservation[]): Promise<WindowObservation[]> {
  if (!observations.length) return observations;
  const first = observations[0].start.getTime();
  const last = observations.at(-1)!;
  const probes = await probesBetween(new Date(first - CANARY_LOOKBACK_MS), new Date(last.start.getTime() + last.seconds * 1000));
  if (!probes.length) return observations;
  const missingAfterS = env.CANARY_MISSING_AFTER_MIN * 60;
  return observations.map((w) => {
    const missing = missingAgeAt(probes, new Date(w.start.getTime() + w.seconds * 1000));
    if (missing < missingAfterS) return w;
    return { ...w, value: Math.max(w.value, missing), peak: Math.max(w.peak ?? w.value, missing) };
  });
}

/**
 * Whether mail went unscanned in each window: the spam check is off while any source delivers
 * without a scan, whether its breaker switched it off or staff did.
 */
export async function scanBypassWindows(after: Date, upTo: Date): Promise<WindowObservation[]> {
  const rows = await db.mailMetricRollup.findMany({
    where: { flow: 'inbound', windowStart: { gt: after, lte: upTo } },
    select: { windowStart: true, windowSeconds: true, scanBypassing: true, scanPolicy: true },
    orderBy: { windowStart: 'asc' },
  });
  const byWindow = new Map<number, WindowObservation>();
  for (const r of rows) {
    const w = byWindow.get(r.windowStart.getTime()) ?? { start: r.windowStart, seconds: r.windowSeconds, value: 0, level: 'operational' as RuleLevel };
    // 2: switched off by staff (every message unscanned), 1: the breaker (mail that waited long).
    if (r.scanBypassing) Object.assign(w, { value: Math.max(w.value, r.scanPolicy === 'bypass' ? 2 : 1), level: 'partial_outage' });
    byWindow.set(r.windowStart.getTime(), w);
  }
  return [...byWindow.values()];
}

export function lateMailSettings(): LateMailSettings {
  return {
    minMessages: env.RULE_MIN_LATE_MESSAGES,
    share: env.RULE_LATE_SHARE_PERCENT / 100,
    minDestinations: env.RULE_OUTBOUND_MIN_DESTINATIONS,
    destinationShare: env.RULE_OUTBOUND_DESTINATION_SHARE_PERCENT / 100,
  };
}

/** A rule row's thresholds and timings, as the rule engine takes them. */
export function ruleConfig(rule: Pick<RuleRow, keyof RuleConfig>): RuleConfig {
  return {
    degradedAboveS: rule.degradedAboveS,
    partialAboveS: rule.partialAboveS,
    majorAboveS: rule.majorAboveS,
    enterWindows: rule.enterWindows,
    leaveAfterS: rule.leaveAfterS,
    noDataAfterS: rule.noDataAfterS,
  };
}

function stateOf(rule: RuleRow): RuleState {
  return {
    ruleStatus: rule.ruleStatus as RuleStatus,
    candidateStatus: rule.candidateStatus as RuleState['candidateStatus'],
    candidateCount: rule.candidateCount,
    betterSince: rule.betterSince,
    betterWorst: rule.betterWorst as RuleState['betterWorst'],
    lastWindowAt: rule.lastWindowAt,
    lastDataAt: rule.lastDataAt,
  };
}

interface Transition {
  from: RuleStatus;
  to: RuleStatus;
  at: Date;
  value: number | null;
}

function windowsFor(rule: RuleRow, after: Date, upTo: Date): Promise<WindowObservation[]> | null {
  if (rule.metric === SIGNALS_METRIC) return signalWindows(rule.componentId, after, upTo);
  // A mail component may receive alerts or have probes too: they fold into its windows.
  const config = ruleConfig(rule);
  const folded = (windows: Promise<WindowObservation[]>) => windows.then((w) => withSignals(rule.componentId, w, (x) => classify(x.value, config)));
  if (rule.metric === 'mail_delay' && isMailFlow(rule.flow)) return folded(mailDelayWindows(after, upTo, rule.flow));
  if (rule.metric === 'scan_bypass') return folded(scanBypassWindows(after, upTo));
  return null;
}

async function evaluateRule(rule: RuleRow, now: Date): Promise<boolean> {
  const config = ruleConfig(rule);
  let state = stateOf(rule);
  const after = state.lastWindowAt ?? new Date(now.getTime() - FIRST_LOOKBACK_MS);
  const pending = windowsFor(rule, after, new Date(now.getTime() - JUDGE_AFTER_MS));
  if (!pending) return false;
  const windows = await pending;

  const transitions: Transition[] = [];
  let lastValue: number | null = null;
  let maxValue: number | null = null;
  for (const w of windows) {
    const before = state.ruleStatus;
    state = observe(state, w, config);
    lastValue = w.value;
    maxValue = Math.max(maxValue ?? 0, w.peak ?? w.value);
    if (state.ruleStatus !== before) transitions.push({ from: before, to: state.ruleStatus, at: new Date(w.start.getTime() + w.seconds * 1000), value: w.peak ?? w.value });
  }
  const beforeGap = state.ruleStatus;
  // A signals rule that has never had data counts from its creation (its row is not written until
  // it has something to store), so a probe just added is not "no data" before its first run.
  const since = rule.metric === SIGNALS_METRIC && !rule.lastDataAt && rule.updatedAt > processStart ? rule.updatedAt : processStart;
  state = checkNoData(state, now, config, since);
  if (state.ruleStatus !== beforeGap) transitions.push({ from: beforeGap, to: state.ruleStatus, at: now, value: null });

  // Nothing new to store and nothing to show: no write at all (the worker evaluates every tick).
  const unchanged = !windows.length && !transitions.length && JSON.stringify(state) === JSON.stringify(stateOf(rule));
  if (unchanged && !disagrees(rule.component, state.ruleStatus)) return false;

  // One transaction: the rule's new state, the component, its status history and the incident
  // (or the spam-check note). Only the evaluation that moves the version on commits: another
  // process that judged the same windows meanwhile finds the version gone and changes nothing.
  // The notices the updates call for are enqueued after the commit; if this process dies before
  // that, the notice sweep enqueues them (lib/notices/enqueue.ts createMissedIncidentNotices).
  const notices: PendingNotice[] = [];
  const changed = await db.$transaction(async (tx) => {
    const stored = await tx.componentMetricRule.updateMany({
      where: { id: rule.id, version: rule.version },
      data: {
        version: { increment: 1 },
        ruleStatus: state.ruleStatus,
        candidateStatus: state.candidateStatus,
        candidateCount: state.candidateCount,
        betterSince: state.betterSince,
        betterWorst: state.betterWorst,
        lastWindowAt: state.lastWindowAt,
        lastDataAt: state.lastDataAt,
      },
    });
    if (!stored.count) return null;
    crashPoint('rule-stored');
    if (windows.length || state.ruleStatus === 'no_data') {
      await tx.component.update({ where: { id: rule.componentId }, data: { currentValue: state.ruleStatus === 'no_data' ? null : lastValue } });
    }
    for (const t of transitions) notices.push(...(await applyTransition(tx, rule, t)));
    crashPoint('rule-applied');
    // A status the component does not show although the rule says it (staff cleared an
    // override, or a status set by hand ran out) is shown now, so a real backlog always reaches the page.
    const component = await tx.component.findUniqueOrThrow({ where: { id: rule.componentId } });
    const healed = disagrees(component, state.ruleStatus);
    if (healed) {
      const from: RuleStatus = component.noData ? 'no_data' : (component.status as RuleLevel);
      notices.push(...(await applyTransition(tx, rule, { from, to: state.ruleStatus, at: now, value: lastValue })));
    }
    if (maxValue !== null && rule.metric === 'mail_delay') await trackOpenWindow(tx, rule.componentId, maxValue);
    return transitions.length > 0 || healed;
  });
  if (changed === null) return false;
  crashPoint('rule-committed');
  await enqueuePending(notices);
  return changed;
}

/**
 * Messages of the rule's flow delivered later than its first threshold in an incident's window,
 * from the raw 10-second rollups (kept two days, far longer than an incident waits to resolve).
 * The window opens when the rule changed, after the slow windows that triggered it: those count too.
 */
const countLateMessages: LateMessageCounter = async (window, rule) => {
  const leadMs = (rule?.enterWindows ?? 2) * WINDOW_SECONDS * 1000;
  const rows = await db.mailMetricRollup.findMany({
    where: { flow: rule?.flow ?? 'inbound', windowStart: { gte: new Date(window.startAt.getTime() - leadMs), lt: window.endAt } },
    select: { histogram: true },
  });
  return rows.reduce((sum, r) => sum + countAbove(readCounts(r.histogram), rule?.degradedAboveS ?? 300), 0);
};

/** Enqueues the notices of committed updates; a failure is left to the notice sweep. */
async function enqueuePending(notices: readonly PendingNotice[]): Promise<void> {
  for (const n of notices) await enqueueIncidentNotice(n.incidentId, n.updateId, n.kind);
}

/** Whether the component fails to show what its rule says (the "no data" flag, or a status not set by staff). */
function disagrees(component: { noData: boolean; overrideStatus: string | null; status: string }, ruleStatus: RuleStatus): boolean {
  const noData = ruleStatus === 'no_data';
  return component.noData !== noData || (!noData && !component.overrideStatus && component.status !== ruleStatus);
}

/** Shows a rule's new status on its component, unless staff have set the status by hand. */
async function applyTransition(tx: Db, rule: RuleRow, t: Transition): Promise<PendingNotice[]> {
  const componentId = rule.componentId;
  const component = await tx.component.findUniqueOrThrow({ where: { id: componentId } });
  if (t.to === 'no_data' || t.from === 'no_data') {
    await tx.component.update({ where: { id: componentId }, data: { noData: t.to === 'no_data' } });
    await tx.componentStatusChange.create({
      data: { componentId, oldStatus: t.from === 'no_data' ? 'no_data' : component.status, newStatus: t.to === 'no_data' ? 'no_data' : t.to, cause: 'rule', changedAt: t.at },
    });
    if (t.to === 'no_data') return [];
  }
  if (component.overrideStatus) return [];
  const previous = component.status as ComponentStatus;
  if (previous !== t.to) {
    await tx.component.update({ where: { id: componentId }, data: { status: t.to } });
    if (t.from !== 'no_data') {
      await tx.componentStatusChange.create({ data: { componentId, oldStatus: previous, newStatus: t.to, cause: 'rule', changedAt: t.at } });
    }
  }
  return followWithText(tx, rule, component, previous, t.to, t.at, t.value ?? component.currentValue ?? 0);
}

/** What customers read about the change: the automatic incident, or the spam-check note. */
async function followWithText(tx: Db, rule: RuleRow, component: ComponentRow, from: ComponentStatus, to: RuleLevel, at: Date, value: number): Promise<PendingNotice[]> {
  if (rule.metric === 'scan_bypass') {
    if (to === 'operational') await noteScanResumed(tx, component, at);
    else await noteScanBypass(tx, component, at, value >= 2 ? 'staff' : 'breaker');
    return [];
  }
  const notice = await syncAutoIncident(tx, component, from, to, at, value, rule.metric);
  return notice ? [notice] : [];
}
