import { addInto, bucketOf, emptyCounts, kthLargest, readCounts, total, type Counts } from '#contracts/histogram';
import { DELAY_BUCKET_BOUNDS } from '#contracts/rollup-schema';
import type { MailFlow } from '#contracts/rollup-schema';

// What a flow's mail delay is, for the status rules: a figure that a real backlog drives and a
// few stuck messages cannot. Pure functions over one 10-second window merged across sources.

export interface LateMailSettings {
  /** A delay counts only once at least this many messages have reached it. */
  minMessages: number;
  /** …and this share (0–1) of the window's mail, delivered and waiting: the window's p95 when it is busy. */
  share: number;
  /** Outbound: at least this many destination domains must have mail waiting that long… */
  minDestinations: number;
  /** …and this share (0–1) of the destinations that had mail lately. */
  destinationShare: number;
}

export const DEFAULT_LATE_MAIL: LateMailSettings = { minMessages: 5, share: 0.05, minDestinations: 3, destinationShare: 0.5 };

/** One flow's window, merged across every source that reported it. */
export interface FlowWindow {
  start: Date;
  seconds: number;
  flow: MailFlow;
  /** Delays of the mail delivered in the window. */
  delivered: Counts;
  deliveredMax: number | null;
  /** Ages of the mail waiting at the window's end. */
  waiting: Counts;
  oldestWaitingS: number;
  /** Outbound: the oldest waiting age per destination domain (null when no source reported it). */
  destinations: Counts | null;
}

/** The columns of a stored rollup (MailMetricRollup) that a window is made of. */
export interface StoredRollupWindow {
  windowStart: Date;
  windowSeconds: number;
  histogram: string;
  delayMax: number | null;
  queueDepth: number;
  oldestAgeS: number;
  waitingHistogram: string | null;
  destinationHistogram?: string | null;
}

/**
 * Each 10-second window merged across the sources that reported it: what the rule judges, and
 * what a final report's figures are measured on. A source without a waiting histogram counts its
 * queue as one message of its oldest age.
 */
export function mergedWindows(rows: StoredRollupWindow[], flow: MailFlow): FlowWindow[] {
  const byWindow = new Map<number, FlowWindow>();
  for (const r of rows) {
    const key = r.windowStart.getTime();
    const w = byWindow.get(key) ?? { start: r.windowStart, seconds: r.windowSeconds, flow, delivered: emptyCounts(), deliveredMax: null, waiting: emptyCounts(), oldestWaitingS: 0, destinations: null };
    addInto(w.delivered, readCounts(r.histogram));
    if (r.delayMax !== null) w.deliveredMax = Math.max(w.deliveredMax ?? 0, r.delayMax);
    if (r.waitingHistogram) addInto(w.waiting, readCounts(r.waitingHistogram));
    else if (r.queueDepth > 0) w.waiting[bucketOf(r.oldestAgeS)]++;
    w.oldestWaitingS = Math.max(w.oldestWaitingS, r.oldestAgeS);
    if (r.destinationHistogram) w.destinations = addInto(w.destinations ?? emptyCounts(), readCounts(r.destinationHistogram));
    byWindow.set(key, w);
  }
  return [...byWindow.values()];
}

export interface FlowSignal {
  /** The rule's metric: the delay that the window's late mail has reached. */
  value: number;
  /** The largest delay that at least `minMessages` messages (or destinations) reached: the figure people read. */
  peak: number;
}

/**
 * The largest delay that at least `minCount` items reached, for the figures people read ("up to
 * about 45 minutes"). A histogram only knows each delay to its bucket, and interpolating inside it
 * would say 42 minutes of mail that all waited 45; so: the known maximum when those items share its
 * bucket, else the upper bound of the bucket they reached (a straggler's maximum is not theirs).
 */
export function lateMaximum(counts: Counts, minCount: number, max: number | null): number {
  const kth = kthLargest(counts, Math.max(1, minCount), max);
  if (kth === null) return 0;
  const bucket = bucketOf(kth);
  if (max !== null && bucketOf(max) === bucket) return max;
  const upper = DELAY_BUCKET_BOUNDS[bucket] ?? max ?? kth;
  return max !== null ? Math.min(upper, max) : upper;
}

/**
 * The delay reached by at least `max(minCount, ⌈share·n⌉)` of the n counted items, or 0 when fewer
 * items than that are counted: a handful of stuck messages never makes a figure.
 */
export function lateDelay(counts: Counts, minCount: number, share: number, max: number | null): number {
  const n = total(counts);
  const k = Math.max(minCount, Math.ceil(share * n), 1);
  return kthLargest(counts, k, max) ?? 0;
}

/**
 * Inbound: the delivered mail and the mail still waiting together, so that a backlog shows while
 * it builds (waiting) and while it drains (delivered late). Its p95 once the window is busy;
 * never fewer than `minMessages` messages.
 */
export function inboundSignal(w: FlowWindow, s: LateMailSettings = DEFAULT_LATE_MAIL): FlowSignal {
  const all = addInto(addInto(emptyCounts(), w.delivered), w.waiting);
  const max = Math.max(w.deliveredMax ?? 0, w.oldestWaitingS);
  return { value: lateDelay(all, s.minMessages, s.share, max), peak: lateMaximum(all, s.minMessages, max) };
}

/**
 * Outbound: mail leaving is late for customers only when it waits for many destinations at once.
 * One domain that cannot be reached (or a handful) is that domain's trouble: staff see it in the
 * console, customers' status does not change. Delivered mail is not counted: what waited on our
 * side was counted while it waited, and what waited because a remote deferred it waited for the
 * remote. Without destinations from the sources, waiting mail is judged by message, as inbound is.
 */
export function outboundSignal(w: FlowWindow, s: LateMailSettings = DEFAULT_LATE_MAIL): FlowSignal {
  if (!w.destinations) {
    return { value: lateDelay(w.waiting, s.minMessages, s.share, w.oldestWaitingS), peak: lateMaximum(w.waiting, s.minMessages, w.oldestWaitingS) };
  }
  return {
    value: lateDelay(w.destinations, s.minDestinations, s.destinationShare, w.oldestWaitingS),
    peak: lateMaximum(w.destinations, s.minDestinations, w.oldestWaitingS),
  };
}

export function flowSignal(w: FlowWindow, s: LateMailSettings = DEFAULT_LATE_MAIL): FlowSignal {
  return w.flow === 'outbound' ? outboundSignal(w, s) : inboundSignal(w, s);
}
