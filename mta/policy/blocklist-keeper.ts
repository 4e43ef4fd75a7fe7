// Every change to the blocklist goes through here, so that the state store (what survives a
// restart), the compiled list SMTP checks, the event log and the MTA log never disagree: additions
// by admins and by the automatic flood blocking, removals, and the sweep of expired entries.
import type { Log } from '../log.js';
import type { BlocklistAddOutcome, BlocklistEntry, BlocklistKind, StateStore } from '../state/state-store.js';
import type { Blocklist } from './blocklist.js';

export interface BlocklistAddition {
  kind: BlocklistKind;
  /** already normalised (normalizeBlocklistValue) */
  value: string;
  reason: string | null;
  actor: string;
  expiresAt?: Date | null;
  /** extra facts for the event log, e.g. what the automatic blocking measured */
  detail?: Record<string, unknown>;
}

export const SWEEP_INTERVAL_MS = 60_000;

export class BlocklistKeeper {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: StateStore,
    readonly blocklist: Blocklist,
    private readonly log: Log,
  ) {
    this.reload();
  }

  /** Entries in force (expired ones are left out even before the sweep deletes them). */
  entries(now = new Date()): BlocklistEntry[] {
    return this.store.listBlocklist(now);
  }

  add(addition: BlocklistAddition, now = new Date()): { entry: BlocklistEntry; outcome: BlocklistAddOutcome } {
    const { kind, value, reason, actor } = addition;
    const result = this.store.addBlocklistEntry(kind, value, reason, actor, addition.expiresAt ?? null, now);
    if (result.outcome === 'exists') return result;
    this.reload(now);
    const { entry } = result;
    const action = result.outcome === 'created' ? 'add' : 'update';
    this.store.recordEvent('blocklist', actor, reason, { action, kind, value, expires_at: entry.expires_at, ...addition.detail });
    this.log(`blocklist: ${actor} ${result.outcome === 'created' ? 'added' : 'updated'} ${kind} ${value}${entry.expires_at ? ` until ${entry.expires_at}` : ''}${reason ? ` (${reason})` : ''}`);
    return result;
  }

  remove(id: number, actor: string): BlocklistEntry | undefined {
    const removed = this.store.removeBlocklistEntry(id);
    if (!removed) return undefined;
    this.reload();
    this.store.recordEvent('blocklist', actor, null, { action: 'remove', kind: removed.kind, value: removed.value });
    this.log(`blocklist: ${actor} removed ${removed.kind} ${removed.value}`);
    return removed;
  }

  /** Deletes expired entries (matching already ignores them; this keeps the store and memory small). */
  sweep(now = new Date()): BlocklistEntry[] {
    const expired = this.store.removeExpiredBlocklistEntries(now);
    if (expired.length === 0) return expired;
    this.reload(now);
    for (const entry of expired) {
      this.store.recordEvent('blocklist', 'expiry', null, { action: 'expire', kind: entry.kind, value: entry.value, created_by: entry.created_by, expires_at: entry.expires_at });
    }
    const shown = expired.slice(0, 10).map((e) => `${e.kind} ${e.value}`).join(', ');
    this.log(`blocklist: ${expired.length} expired ${expired.length === 1 ? 'entry' : 'entries'} removed: ${shown}${expired.length > 10 ? ', …' : ''}`);
    return expired;
  }

  start(intervalMs = SWEEP_INTERVAL_MS): void {
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } catch (error) {
        this.log(`blocklist: sweep failed, trying again later: ${(error as Error).message}`);
      }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private reload(now = new Date()): void {
    this.blocklist.load(this.store.listBlocklist(now));
  }
}
