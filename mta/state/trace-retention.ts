// The mail trace's records (message-trace.ts) are kept MTA_TRACE_RETENTION_DAYS (default 7) after
// the message arrived, long enough for "where is the mail sent on Monday?", short enough that the
// MTA does not become a history of who wrote to whom. Deleted at start-up and then hourly; a record
// past its time is never answered even before the sweep (MessageTrace.lookup).
import type { Log } from '../log.js';
import type { MessageTrace } from './message-trace.js';

const DAY_MS = 86_400_000;
export const TRACE_PRUNE_INTERVAL_MS = 3_600_000;

/** Deletes records of messages received more than `days` ago; returns how many went. */
export function pruneOldTraces(trace: MessageTrace, days: number, log: Log, now = Date.now()): number {
  try {
    const removed = trace.prune(new Date(now - days * DAY_MS));
    if (removed > 0) log(`trace: ${removed} records older than ${days} days removed`);
    return removed;
  } catch (error) {
    log(`trace: pruning failed, trying again later: ${(error as Error).message}`);
    return 0;
  }
}

/** Prunes now and every hour; returns the stop function. */
export function startTraceRetention(trace: MessageTrace, days: number, log: Log): () => void {
  pruneOldTraces(trace, days, log);
  const timer = setInterval(() => pruneOldTraces(trace, days, log), TRACE_PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
