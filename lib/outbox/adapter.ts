// What an outbox adapter does: the outbox's statements (statements.ts) run on a database
// connection of the adapter's own. There are two, one per database: sqlite.ts (better-sqlite3,
// synchronous) and postgres.ts (pg). Everything that decides what a transition means is written
// once, in statements.ts (the SQL) and outbox.ts / group-commit.ts (when each one happens).

/**
 * An outbox table and what a claim reads with each row. Mail (NoticeDelivery) and webhooks
 * (WebhookDelivery) differ only in these: the same columns drive the same states.
 */
export interface OutboxTable<Row> {
  /** The table, with the columns every outbox has: id, status, attempts, nextAttemptAt, claimToken, claimedAt, lastError. */
  name: string;
  /** Set when a row is sent (NoticeDelivery.sentAt, WebhookDelivery.deliveredAt). */
  sentAtColumn: string;
  /** Columns of the row a claim returns, besides id and attempts. */
  columns: readonly string[];
  /** The row each outbox row belongs to (its subscriber, its endpoint), read in the same claim. */
  owner: { table: string; key: string; columns: readonly string[] };
  /** The claimed row as its channel uses it, from its columns and its owner's. */
  toRow(columns: Record<string, unknown>, owner: Record<string, unknown>): Row;
}

export interface ClaimRequest {
  claimToken: string;
  now: Date;
  /** Leases taken before this have run out: their worker is presumed dead. */
  staleBefore: Date;
  limit: number;
  /** Recorded on the rows a dead worker had handed over ("finishing"): they count as sent. */
  handedOverNote: string;
}

/** A claimed row as read: its columns and its owner's (missing if the owner was deleted meanwhile). */
export interface ClaimedRecord {
  columns: Record<string, unknown>;
  owner: Record<string, unknown> | undefined;
}

/** The two transitions of the group commit: handed over (before the final dot), and sent. */
export type Transition = 'finishing' | 'sent';

export interface TransitionGroup {
  to: Transition;
  claimToken: string;
  ids: string[];
}

export interface AppliedTransitions {
  /** Per group, the ids this worker changed (the others were taken over by another worker). */
  changed: string[][];
  /**
   * Settles when the commit is durable. The changes are final for this worker as soon as `apply`
   * resolves, and the COMMIT is on its way by then (see postgres.ts).
   */
  committed: Promise<void>;
}

export interface OutboxAdapter {
  /** Counts lapsed hand-overs as sent, then claims up to `limit` due rows (and rows whose lease ran out). */
  claim(request: ClaimRequest): Promise<ClaimedRecord[]>;
  /** Applies every group in one transaction; its COMMIT goes out in the same event-loop turn as this resolves. */
  apply(groups: TransitionGroup[], at: Date): Promise<AppliedTransitions>;
  /** Claimed rows never started: pending again at once, the claim not counted as an attempt. Returns how many. */
  release(claimToken: string, ids: string[]): Promise<number>;
  /** Pending again at `nextAttemptAt`, with the reason; false if this worker no longer holds the row. */
  reschedule(id: string, claimToken: string, error: string, nextAttemptAt: Date): Promise<boolean>;
  /** A final outcome other than sent; false if this worker no longer holds the row. */
  conclude(id: string, claimToken: string, status: 'failed' | 'skipped', error: string): Promise<boolean>;
  /** Closes the adapter's connections. */
  disconnect(): Promise<void>;
}
