// The rule engine, as pure functions: a component's rule turns measured windows into a status,
// entering a worse state only after it is sustained and leaving it only after a healthy spell,
// so that one slow window never flips the page and a flapping metric does not either.

import { FAULT_LEVELS, type FaultLevel, type NoData } from '../status/types';

/** What a rule can assert: the fault levels (lib/status/types.ts), mildest first. */
export const RULE_LEVELS = FAULT_LEVELS;
export type RuleLevel = FaultLevel;
export type RuleStatus = RuleLevel | NoData;

export interface RuleConfig {
  degradedAboveS: number;
  partialAboveS: number;
  majorAboveS: number;
  enterWindows: number;
  leaveAfterS: number;
  noDataAfterS: number;
}

export interface RuleState {
  ruleStatus: RuleStatus;
  candidateStatus: RuleLevel | null;
  candidateCount: number;
  betterSince: Date | null;
  betterWorst: RuleLevel | null;
  lastWindowAt: Date | null;
  lastDataAt: Date | null;
}

export interface WindowObservation {
  start: Date;
  seconds: number;
  /** The rule's metric (for mail: p95 delay). */
  value: number;
  /** The largest delay seen in the window, for the figures people read. */
  peak?: number;
  /** A metric that is a state rather than a measurement (the spam check on or off) names its level. */
  level?: RuleLevel;
}

export const WINDOW_SECONDS = 10;

const rank = (level: RuleLevel) => RULE_LEVELS.indexOf(level);
const worse = (a: RuleLevel, b: RuleLevel) => (rank(a) >= rank(b) ? a : b);
const milder = (a: RuleLevel, b: RuleLevel) => (rank(a) <= rank(b) ? a : b);

export function classify(value: number, config: RuleConfig): RuleLevel {
  if (value > config.majorAboveS) return 'major_outage';
  if (value > config.partialAboveS) return 'partial_outage';
  if (value > config.degradedAboveS) return 'degraded_performance';
  return 'operational';
}

export function initialRuleState(): RuleState {
  return { ruleStatus: 'operational', candidateStatus: null, candidateCount: 0, betterSince: null, betterWorst: null, lastWindowAt: null, lastDataAt: null };
}

/** Applies one measured window (in time order) to the state. */
export function observe(state: RuleState, window: WindowObservation, config: RuleConfig): RuleState {
  const level = window.level ?? classify(window.value, config);
  const end = new Date(window.start.getTime() + window.seconds * 1000);
  const next: RuleState = { ...state, lastWindowAt: window.start, lastDataAt: end };

  // Back from a gap: there is no shown state to protect, so the measurement speaks at once.
  if (state.ruleStatus === 'no_data') {
    return { ...next, ruleStatus: level, candidateStatus: null, candidateCount: 0, betterSince: null, betterWorst: null };
  }
  const current = state.ruleStatus;

  if (rank(level) > rank(current)) {
    // Worse: enter the level sustained over `enterWindows` consecutive windows.
    const candidate = state.candidateStatus ? milder(state.candidateStatus, level) : level;
    const count = state.candidateCount + 1;
    if (count >= config.enterWindows) {
      return { ...next, ruleStatus: candidate, candidateStatus: null, candidateCount: 0, betterSince: null, betterWorst: null };
    }
    return { ...next, candidateStatus: candidate, candidateCount: count, betterSince: null, betterWorst: null };
  }

  if (rank(level) === rank(current)) {
    return { ...next, candidateStatus: null, candidateCount: 0, betterSince: null, betterWorst: null };
  }

  // Better: leave only after `leaveAfterS` of better windows, to the worst level seen meanwhile.
  const betterSince = state.betterSince ?? window.start;
  const betterWorst = state.betterWorst ? worse(state.betterWorst, level) : level;
  if ((end.getTime() - betterSince.getTime()) / 1000 >= config.leaveAfterS) {
    return { ...next, ruleStatus: betterWorst, candidateStatus: null, candidateCount: 0, betterSince: null, betterWorst: null };
  }
  return { ...next, candidateStatus: null, candidateCount: 0, betterSince, betterWorst };
}

/** Marks the rule "no data" when no source has reported for too long. `since` is the fallback baseline. */
export function checkNoData(state: RuleState, now: Date, config: RuleConfig, since: Date): RuleState {
  const last = state.lastDataAt ?? since;
  if (state.ruleStatus !== 'no_data' && (now.getTime() - last.getTime()) / 1000 > config.noDataAfterS) {
    return { ...state, ruleStatus: 'no_data', candidateStatus: null, candidateCount: 0, betterSince: null, betterWorst: null };
  }
  return state;
}
