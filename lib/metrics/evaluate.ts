import 'server-only';
import { db } from '../db';
import { syncAutoIncident, resolveRecoveredAutoIncidents, trackOpenWindow } from '../incidents/auto';
import type { ComponentStatus } from '../status/types';
import { quantile } from './histogram';
import { checkNoData, observe, WINDOW_SECONDS, type RuleConfig, type RuleState, type RuleStatus, type WindowObservation } from './rules';

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
  if (await resolveRecoveredAutoIncidents(now)) changed = true;
  return { changed };
}

type RuleRow = Awaited<ReturnType<typeof db.componentMetricRule.findMany<{ include: { component: true } }>>>[number];

/** Windows merged across sources: the p95 of the merged histogram, or the oldest waiting message if older. */
export async function mailDelayWindows(after: Date, upTo: Date, flow = 'inbound'): Promise<WindowObservation[]> {
  const rows = await db.mailMetricRollup.findMany({
    where: { flow, windowStart: { gt: after, lte: upTo } },
    select: { windowStart: true, windowSeconds: true, histogram: true, delayMax: true, oldestAgeS: true },
    orderBy: { windowStart: 'asc' },
  });
  const byWindow = new Map<number, { counts: number[]; max: number | null; oldest: number; seconds: number }>();
  for (const r of rows) {
    const key = r.windowStart.getTime();
    const counts = (JSON.parse(r.histogram) as { counts: number[] }).counts;
    const w = byWindow.get(key);
    if (!w) {
      byWindow.set(key, { counts: [...counts], max: r.delayMax, oldest: r.oldestAgeS, seconds: r.windowSeconds });
    } else {
      counts.forEach((c, i) => (w.counts[i] += c));
      w.max = r.delayMax === null ? w.max : Math.max(w.max ?? 0, r.delayMax);
      w.oldest = Math.max(w.oldest, r.oldestAgeS);
    }
  }
  return [...byWindow].map(([start, w]) => ({
    start: new Date(start),
    seconds: w.seconds,
    value: Math.max(quantile(w.counts, 0.95, w.max) ?? 0, w.oldest),
    peak: Math.max(w.max ?? 0, w.oldest),
  }));
}

function configOf(rule: RuleRow): RuleConfig {
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

async function evaluateRule(rule: RuleRow, now: Date): Promise<boolean> {
  if (rule.metric !== 'mail_delay') return false;
  const config = configOf(rule);
  let state = stateOf(rule);
  const after = state.lastWindowAt ?? new Date(now.getTime() - FIRST_LOOKBACK_MS);
  const windows = await mailDelayWindows(after, new Date(now.getTime() - JUDGE_AFTER_MS), rule.flow);

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
  state = checkNoData(state, now, config, processStart);
  if (state.ruleStatus !== beforeGap) transitions.push({ from: beforeGap, to: state.ruleStatus, at: now, value: null });

  // Only the evaluation that moves the version on applies its outcome: another site process
  // that judged the same windows meanwhile has applied them already (and posted the updates).
  const stored = await db.componentMetricRule.updateMany({
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
  if (!stored.count) return false;
  if (windows.length || state.ruleStatus === 'no_data') {
    await db.component.update({ where: { id: rule.componentId }, data: { currentValue: state.ruleStatus === 'no_data' ? null : lastValue } });
  }

  for (const t of transitions) await applyTransition(rule.componentId, t);
  if (maxValue !== null) await trackOpenWindow(rule.componentId, maxValue);
  return transitions.length > 0;
}

/** Shows a rule's new status on its component, unless staff have set the status by hand. */
async function applyTransition(componentId: string, t: Transition) {
  const component = await db.component.findUniqueOrThrow({ where: { id: componentId } });
  if (t.to === 'no_data' || t.from === 'no_data') {
    await db.component.update({ where: { id: componentId }, data: { noData: t.to === 'no_data' } });
    await db.componentStatusChange.create({
      data: { componentId, oldStatus: t.from === 'no_data' ? 'no_data' : component.status, newStatus: t.to === 'no_data' ? 'no_data' : t.to, cause: 'rule', changedAt: t.at },
    });
    if (t.to === 'no_data') return;
  }
  if (component.overrideStatus) return;
  const previous = component.status as ComponentStatus;
  if (previous !== t.to) {
    await db.component.update({ where: { id: componentId }, data: { status: t.to } });
    if (t.from !== 'no_data') {
      await db.componentStatusChange.create({ data: { componentId, oldStatus: previous, newStatus: t.to, cause: 'rule', changedAt: t.at } });
    }
  }
  await syncAutoIncident(component, previous, t.to, t.at, t.value ?? component.currentValue ?? 0);
}
