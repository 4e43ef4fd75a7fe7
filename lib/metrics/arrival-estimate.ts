// "When will it arrive?": from the last minute of inbound rollups, how long mail sent now will take
// to reach its mailbox, and when the backlog should be gone. Pure: the caller reads the windows
// (lib/metrics/arrival-queries.ts) and decides whether to show the answer (only while inbound mail
// is delayed).
//
// What the estimate assumes, said once here and in README.md:
// - Mail sent now waits for the spam check behind what the MTA reports as ahead of a new sender
//   (`scan_ahead`: the whole scan queue in a FIFO queue, as in 2014; in Tayori's fair queue one
//   message per sender with mail waiting, plus mail past the priority age), and that queue is
//   worked off at the rate the check managed over the last minute while mail waited for it (a
//   window that began with nothing waiting shows the arrivals, not what the check can do). After
//   the check, delivery to a mailbox takes seconds, so the scan queue is the wait.
// - A sender that cannot report its scan queue (Postfix logs) is read as one FIFO queue: mail sent
//   now waits behind every message queued, worked off at the rate mail left the queue lately.
// - Several MTAs share the inbound mail: their queues and rates are added up.
// - The backlog clears at the rate mail left the queue over the last minute, less the rate it
//   arrived over the last half minute; while that is not positive there is no clearing time, and
//   while nothing drains there is no estimate at all, never a made-up one.
// - The breaker (MTA_SCAN_POLICY=auto) may pass old mail on unscanned sooner than this; the
//   estimate does not count on it.

/** One 10-second window of inbound mail, added up across the sources that reported it. */
export interface InboundWindow {
  start: Date;
  seconds: number;
  /** Messages waiting at the window's end. */
  queueDepth: number;
  /** Messages accepted during the window. */
  accepted: number;
  /** Messages that left the scan queue during the window; null when a source cannot tell. */
  scanned: number | null;
  /** At the window's end, how many waiting messages a new sender's message would wait behind; null when a source cannot tell. */
  scanAhead: number | null;
}

export type NoEstimateReason = 'not_enough_data' | 'no_drain';

export interface ArrivalEstimate {
  /** The end of the newest window the estimate is made from: the moment it is about. */
  asOf: Date;
  /** Seconds mail sent at `asOf` is expected to take; null: no estimate. */
  delayS: number | null;
  /** Why there is no estimate. */
  reason: NoEstimateReason | null;
  /** When the backlog should be gone; null while it is not shrinking (or there is no estimate). */
  clearsAt: Date | null;
  /** Messages waiting at `asOf`. */
  backlog: number;
  /** Over the windows used: messages accepted, and leaving the queue (delivered, bounced, refused after the check), per minute. */
  arrivalsPerMinute: number | null;
  drainPerMinute: number | null;
  /** What mail sent now was counted as waiting behind: the scan queue's report, or the whole queue. */
  basis: 'scan_queue' | 'whole_queue' | null;
}

/** The windows the rates are taken over: the last minute. */
export const ESTIMATE_SPAN_WINDOWS = 6;
/** Two windows give one interval of queue change: fewer is not enough to say anything. */
export const MIN_WINDOWS = 2;

/**
 * The estimate from the newest windows (any order; gaps allowed, the span is measured in time).
 * The caller passes recent windows only: a stale minute says nothing about now.
 */
export function estimateArrival(windows: readonly InboundWindow[]): ArrivalEstimate {
  const recent = [...windows].sort((a, b) => a.start.getTime() - b.start.getTime()).slice(-ESTIMATE_SPAN_WINDOWS);
  const newest = recent.at(-1);
  if (!newest) return { asOf: new Date(NaN), delayS: null, reason: 'not_enough_data', clearsAt: null, backlog: 0, arrivalsPerMinute: null, drainPerMinute: null, basis: null };
  const asOf = new Date(newest.start.getTime() + newest.seconds * 1000);
  const backlog = newest.queueDepth;
  const none = (reason: NoEstimateReason, rates: Partial<ArrivalEstimate> = {}): ArrivalEstimate => ({ asOf, delayS: null, reason, clearsAt: null, backlog, arrivalsPerMinute: null, drainPerMinute: null, basis: null, ...rates });
  if (recent.length < MIN_WINDOWS) return none('not_enough_data');

  // Each later window against the one before it: what arrived, and what left the queue (delivered,
  // bounced, refused or quarantined after the check, deleted): what came in minus what the queue
  // grew by. A count that says less than nothing left is noise.
  const steps = recent.slice(1).map((w, i) => {
    const before = recent[i]!;
    return { w, before, drained: Math.max(0, w.accepted - (w.queueDepth - before.queueDepth)) };
  });
  // Capacity shows only while mail waits: in a window that started with an empty queue, what left
  // is what arrived. Rates come from the windows that started with mail waiting, when there are any.
  const rate = (values: { n: number; seconds: number; busy: boolean }[]) => {
    const busy = values.some((v) => v.busy) ? values.filter((v) => v.busy) : values;
    const seconds = busy.reduce((sum, v) => sum + v.seconds, 0);
    return seconds > 0 ? busy.reduce((sum, v) => sum + v.n, 0) / seconds : 0;
  };
  const drainRate = rate(steps.map((s) => ({ n: s.drained, seconds: s.w.seconds, busy: s.before.queueDepth > 0 })));
  // Arrivals change at once when a flood starts or stops: the last half minute says more than the minute.
  const lately = steps.slice(-3);
  const arrivalRate = lately.reduce((sum, s) => sum + s.w.accepted, 0) / lately.reduce((sum, s) => sum + s.w.seconds, 0);
  const rates = { arrivalsPerMinute: Math.round(arrivalRate * 600) / 10, drainPerMinute: Math.round(drainRate * 600) / 10 };

  const clearsAt = backlog === 0 ? asOf : drainRate > arrivalRate ? new Date(asOf.getTime() + (backlog / (drainRate - arrivalRate)) * 1000) : null;

  const scanKnown = newest.scanAhead !== null && steps.every((s) => s.w.scanned !== null && s.before.scanAhead !== null);
  if (scanKnown) {
    const ahead = newest.scanAhead!;
    const scanRate = rate(steps.map((s) => ({ n: s.w.scanned!, seconds: s.w.seconds, busy: s.before.scanAhead! > 0 })));
    if (ahead === 0) return { asOf, delayS: 0, reason: null, clearsAt, backlog, ...rates, basis: 'scan_queue' };
    if (scanRate <= 0) return none('no_drain', rates);
    return { asOf, delayS: Math.round(ahead / scanRate), reason: null, clearsAt, backlog, ...rates, basis: 'scan_queue' };
  }
  if (backlog === 0) return { asOf, delayS: 0, reason: null, clearsAt, backlog, ...rates, basis: 'whole_queue' };
  if (drainRate <= 0) return none('no_drain', rates);
  return { asOf, delayS: Math.round(backlog / drainRate), reason: null, clearsAt, backlog, ...rates, basis: 'whole_queue' };
}
