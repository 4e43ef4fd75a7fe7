import { randomUUID } from 'node:crypto';
import { databaseProvider } from '../db-client';
import type { ClaimedRecord, OutboxAdapter, OutboxTable } from './adapter';
import { retryDelayMs } from './backoff';
import { GroupCommit } from './group-commit';
import { postgresOutbox } from './postgres';
import { sqliteOutbox } from './sqlite';

// The outbox: rows a worker claims with a lease, hands over, and records the outcome of. Mail
// (NoticeDelivery) and webhooks (WebhookDelivery) use it alike; they differ in table and payload.
//
//   pending ──claim──▶ sending ──(whole message on the wire)──▶ finishing ──"." and 250──▶ sent
//      ▲                  │                                         │
//      └── 4xx, connection error (backoff) ◀──────────────────────────┤
//                         │ 5xx: failed
//                         │ nothing to send any more (the subscriber left): skipped
//
// Each transition is committed before the worker goes on:
// - "sending" before the transaction with the receiver starts;
// - "finishing" (handOver) once the receiver has accepted the envelope and the message is queued,
//   but BEFORE the final "." that makes an SMTP server take responsibility for it. A client that
//   dies before that dot leaves the server with nothing: the transaction is simply abandoned. (On
//   PostgreSQL the COMMIT is written just before the dot rather than awaited: see postgres.ts);
// - "sent" after the 250.
// After a SIGKILL, a row's state says which side of the dot it was on:
// - "sending" (lease expired): the server never got the dot; the copy is sent again, once;
// - "finishing" (lease expired): the dot was written right after the commit; the copy is counted
//   as sent and not repeated (statements.ts, lapsedHandOvers).
// So nobody receives a notice twice. What remains is the instant between the "finishing" commit and
// the write of ".\r\n" to the socket (no I/O in between, a few microtasks): a kill exactly there
// loses that copy. Had we marked rows after the 250 instead, every copy between the server's 250
// and our commit (typically one per open connection) would have been sent twice.
// A channel without such a moment (a webhook's POST) skips "finishing": after a crash its copy is
// sent again (at least once).

export interface OutboxPolicy {
  /** A claimed row whose worker has not finished it within this time is taken over. */
  leaseSeconds: number;
  /** Temporary failures are retried this many times in all. */
  maxAttempts: number;
  /** Backoff: base × 2^(attempt−1), ±20 %. */
  retryBaseSeconds: number;
}

export interface OutboxOptions<Row> {
  /** Runs once rows are durably recorded as sent. */
  afterSent?: (rows: Claimed<Row>[]) => Promise<void>;
  /** Reports failures nobody awaits (a commit after the hand-over); prefixed with the worker's name. */
  log?: (message: string, error?: unknown) => void;
  /** Group commit timing (tests). */
  lingerMs?: number;
  retryMs?: number;
}

/** A claimed row: the channel's row with what the outbox needs to record its outcome. */
export type Claimed<Row> = Row & { id: string; attempts: number; claimToken: string };

const HANDED_OVER_NOTE = 'worker stopped after handing the copy over; counted as sent';
const MAX_ERROR_LENGTH = 500;

export class Outbox<Row> {
  private readonly commits: GroupCommit<Claimed<Row>>;

  constructor(
    private readonly adapter: OutboxAdapter,
    private readonly table: OutboxTable<Row>,
    private readonly policy: OutboxPolicy,
    options: OutboxOptions<Row> = {},
  ) {
    this.commits = new GroupCommit<Claimed<Row>>({ apply: (groups, at) => adapter.apply(groups, at), ...options });
  }

  /** Claims up to `limit` due rows (and rows whose lease ran out) for this worker. */
  async claim(limit: number, now = new Date()): Promise<Claimed<Row>[]> {
    // A copy delivered while the database was away is recorded first: once its lease has run out,
    // the claim would take its row back and send it again.
    if (this.commits.hasUnrecordedSent && !(await this.commits.flush())) return [];
    const claimToken = randomUUID();
    const staleBefore = new Date(now.getTime() - this.policy.leaseSeconds * 1000);
    const records = await this.adapter.claim({ claimToken, now, staleBefore, limit, handedOverNote: HANDED_OVER_NOTE });
    // An owner deleted since took its rows with it (ON DELETE CASCADE): nothing is left to send.
    return records.filter((r): r is ClaimedRecord & { owner: Record<string, unknown> } => r.owner !== undefined).map((r) => this.claimed(r, claimToken));
  }

  /** Durably records that the copy is about to be handed over; false if this worker lost the row. */
  handOver(row: Claimed<Row>): Promise<boolean> {
    return this.commits.request(row, 'finishing');
  }

  /** Records the receiver's acceptance (not awaited by senders: "finishing" already counts as sent after a crash). */
  sent(row: Claimed<Row>): Promise<boolean> {
    return this.commits.request(row, 'sent');
  }

  /**
   * A failure that may pass (4xx, no connection): pending again after a backoff, or failed once
   * the row has had `maxAttempts`. Returns the row's new status, or null if this worker lost it.
   */
  async failTemporarily(row: Claimed<Row>, error: string, now = new Date()): Promise<'pending' | 'failed' | null> {
    if (row.attempts >= this.policy.maxAttempts) return (await this.adapter.conclude(row.id, row.claimToken, 'failed', clip(error))) ? 'failed' : null;
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(row.attempts, this.policy.retryBaseSeconds));
    return (await this.adapter.reschedule(row.id, row.claimToken, clip(error), nextAttemptAt)) ? 'pending' : null;
  }

  /** A failure that will not pass (5xx, 410 Gone): failed now; false if this worker lost the row. */
  failPermanently(row: Claimed<Row>, error: string): Promise<boolean> {
    return this.adapter.conclude(row.id, row.claimToken, 'failed', clip(error));
  }

  /** Nothing to send any more (the subscriber left, the notice is gone); false if this worker lost the row. */
  skip(row: Claimed<Row>, reason: string): Promise<boolean> {
    return this.adapter.conclude(row.id, row.claimToken, 'skipped', clip(reason));
  }

  /** Claimed but never started: pending again at once, so the next claim takes them without waiting out the lease. */
  async release(rows: Claimed<Row>[]): Promise<void> {
    const byToken = new Map<string, string[]>();
    for (const r of rows) {
      const ids = byToken.get(r.claimToken);
      if (ids) ids.push(r.id);
      else byToken.set(r.claimToken, [r.id]);
    }
    for (const [claimToken, ids] of byToken) await this.adapter.release(claimToken, ids);
  }

  /** Waits until every recorded outcome is committed, retrying unwritten "sent" for up to `giveUpAfterMs`. */
  settle(giveUpAfterMs?: number): Promise<number> {
    return this.commits.settle(giveUpAfterMs);
  }

  disconnect(): Promise<void> {
    return this.adapter.disconnect();
  }

  private claimed(r: ClaimedRecord & { owner: Record<string, unknown> }, claimToken: string): Claimed<Row> {
    return { ...this.table.toRow(r.columns, r.owner), id: r.columns.id as string, attempts: Number(r.columns.attempts), claimToken };
  }
}

const clip = (error: string) => error.slice(0, MAX_ERROR_LENGTH);

/** The outbox of `table` in the database at `url` (SQLite "file:…" or PostgreSQL), on connections of its own. */
export function openOutbox<Row>(url: string, table: OutboxTable<Row>, policy: OutboxPolicy, options: OutboxOptions<Row> = {}): Outbox<Row> {
  const adapter = databaseProvider(url) === 'sqlite' ? sqliteOutbox(url.replace(/^file:/, ''), table) : postgresOutbox(url, table);
  return new Outbox(adapter, table, policy, options);
}
