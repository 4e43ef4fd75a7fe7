// The operator event log grows with every blocklist change and expiry, and a botnet flood adds
// hundreds of automatic blocks an hour: events older than MTA_EVENT_RETENTION_DAYS are deleted,
// at start-up and then hourly.
import type { Log } from '../log.js';
import type { StateStore } from './state-store.js';

const DAY_MS = 86_400_000;
export const EVENT_PRUNE_INTERVAL_MS = 3_600_000;

/** Deletes events older than `days` (0: keeps everything); returns how many went. */
export function pruneOldEvents(store: StateStore, days: number, log: Log, now = Date.now()): number {
  if (days <= 0) return 0;
  try {
    const removed = store.pruneEvents(new Date(now - days * DAY_MS));
    if (removed > 0) log(`events: ${removed} older than ${days} days removed`);
    return removed;
  } catch (error) {
    log(`events: pruning failed, trying again later: ${(error as Error).message}`);
    return 0;
  }
}

/** Prunes now and every hour; returns the stop function. */
export function startEventRetention(store: StateStore, days: number, log: Log): () => void {
  pruneOldEvents(store, days, log);
  const timer = setInterval(() => pruneOldEvents(store, days, log), EVENT_PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
