// A small record per message and recipient, so that a customer who has both the Message-ID and the
// recipient address can ask where the message is (the site's mail trace page, through the admin
// API's POST /api/trace). Neither value is stored: each record is found by a keyed hash (HMAC) of
// the pair, with a key kept in a file of its own beside the records, so a copy of the records
// names nobody and a lookup with the wrong recipient finds nothing, exactly as an unknown message.
//
// The records are a convenience, not the queue: they live in their own SQLite file (trace.db),
// without an fsync per change (WAL, synchronous=NORMAL), and changes are gathered and written
// together every 100 ms (before any lookup too), so that a flood costs the event loop one small
// transaction per batch instead of four per message; a crash may lose the last changes, never mail. Records older than
// MTA_TRACE_RETENTION_DAYS are deleted (trace-retention.ts) and never answered.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DeferralReason, TraceAnswer, TraceStage } from '#contracts/mta-admin-api';
import { messageIdFromHeaders } from '#contracts/message-id';
import type { RecipientOutcome } from '../deliver/relay.js';
import { headerBlock, type MessageBody } from '../spool/message-body.js';
import type { QueuedMessage, Recipient } from '../spool/spool.js';
import { readOrCreateToken, restrictToOwner } from '../tokens.js';

const DAY_MS = 86_400_000;
const FLUSH_MS = 100;
const MAX_BATCH = 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS trace (
  queue_id TEXT NOT NULL,
  rcpt_idx INTEGER NOT NULL,
  lookup_key TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  stage TEXT NOT NULL,
  scan_started_at INTEGER,
  scan_ended_at INTEGER,
  scan_skipped INTEGER NOT NULL DEFAULT 0,
  delivered_at INTEGER,
  deferred_at INTEGER,
  deferral_reason TEXT,
  next_attempt_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER,
  PRIMARY KEY (queue_id, rcpt_idx)
);
CREATE INDEX IF NOT EXISTS trace_lookup ON trace(lookup_key);
CREATE INDEX IF NOT EXISTS trace_received ON trace(received_at);
`;

interface TraceRow {
  received_at: number;
  stage: TraceStage;
  scan_started_at: number | null;
  scan_ended_at: number | null;
  scan_skipped: number;
  delivered_at: number | null;
  deferred_at: number | null;
  deferral_reason: DeferralReason | null;
  next_attempt_at: number | null;
  attempts: number;
  finished_at: number | null;
}

/**
 * Why a delivery attempt was put off, in terms a customer can act on. Only the class of the status
 * is used: the remote server's own text may name other recipients or internal hosts.
 */
export function deferralReason(route: Recipient['route'], status: string | null): DeferralReason {
  if (route === 'local') return 'mailbox_unavailable';
  if (status?.startsWith('4.4.')) return 'destination_unreachable';
  if (status === '4.2.2') return 'mailbox_full';
  return 'receiver_deferred';
}

/** The canonical Message-ID of a message's text, from its header block (the first 64 KiB at most). */
export async function messageIdOf(body: MessageBody): Promise<string | undefined> {
  const block = await headerBlock(body, 64 * 1024);
  return block ? messageIdFromHeaders(block.headers.toString('latin1')) : undefined;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class MessageTrace {
  private readonly db: Database.Database;
  private readonly key: string;
  private readonly retentionMs: number;
  private readonly statements;

  constructor(stateDir: string, retentionDays: number) {
    fs.mkdirSync(stateDir, { recursive: true });
    const keyFile = path.join(stateDir, 'trace-key');
    restrictToOwner(keyFile);
    this.key = readOrCreateToken(keyFile).token;
    this.retentionMs = retentionDays * DAY_MS;
    this.db = new Database(path.join(stateDir, 'trace.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.statements = {
      insert: this.db.prepare(
        'INSERT OR REPLACE INTO trace (queue_id, rcpt_idx, lookup_key, received_at, stage, scan_started_at, scan_ended_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      scanStarted: this.db.prepare("UPDATE trace SET stage = 'scanning', scan_started_at = ? WHERE queue_id = ? AND finished_at IS NULL"),
      scanned: this.db.prepare('UPDATE trace SET stage = ?, scan_ended_at = ?, scan_skipped = ?, finished_at = ? WHERE queue_id = ? AND finished_at IS NULL'),
      delivered: this.db.prepare("UPDATE trace SET stage = 'delivered', delivered_at = ?, finished_at = ?, next_attempt_at = NULL WHERE queue_id = ? AND rcpt_idx = ?"),
      bounced: this.db.prepare("UPDATE trace SET stage = 'bounced', finished_at = ?, next_attempt_at = NULL WHERE queue_id = ? AND rcpt_idx = ? AND finished_at IS NULL"),
      deferred: this.db.prepare(
        "UPDATE trace SET stage = 'deferred', deferred_at = ?, deferral_reason = ?, next_attempt_at = ?, attempts = ? WHERE queue_id = ? AND rcpt_idx = ?",
      ),
      lookup: this.db.prepare('SELECT * FROM trace WHERE lookup_key = ? AND received_at >= ? ORDER BY received_at DESC LIMIT 1'),
      prune: this.db.prepare('DELETE FROM trace WHERE received_at < ?'),
    };
  }

  close(): void {
    this.flush();
    this.db.close();
  }

  /** The record's key: HMAC-SHA256 of the canonical Message-ID and the lower-cased recipient. */
  private lookupKey(messageId: string, recipient: string): string {
    return crypto.createHmac('sha256', this.key).update(`${messageId}\n${recipient.trim().toLowerCase()}`).digest('hex');
  }

  /** A message was accepted (messageId canonical, see contracts/message-id.ts); one record per recipient. */
  received(message: QueuedMessage, messageId: string | undefined): void {
    if (!messageId || message.internal) return;
    const stage: TraceStage = message.state === 'scan' ? 'scan_waiting' : 'delivering';
    for (const r of message.recipients) {
      this.write(this.statements.insert, message.id, r.idx, this.lookupKey(messageId, r.address), message.receivedAt, stage, message.scanStart, message.scanEnd);
    }
  }

  scanStarted(message: QueuedMessage): void {
    this.write(this.statements.scanStarted, message.scanStart ?? Date.now(), message.id);
  }

  /** The scan is over (or was skipped): on to delivery, or held back as a virus or as spam over the reject score. */
  scanned(message: QueuedMessage, outcome: 'deliver' | 'held', skipped = false): void {
    const at = message.scanEnd ?? Date.now();
    const stage: TraceStage = outcome === 'held' ? 'held' : 'delivering';
    this.write(this.statements.scanned, stage, at, skipped ? 1 : 0, outcome === 'held' ? at : null, message.id);
  }

  /**
   * After a delivery attempt, or after the postmaster removed or returned the message: each
   * recipient's record follows the recipient's state; `outcomes` (the attempt's results) say why
   * a recipient still pending was put off.
   */
  recipientsChanged(message: QueuedMessage, outcomes: ReadonlyMap<number, RecipientOutcome> = new Map(), now = Date.now()): void {
    for (const r of message.recipients) {
      if (r.state === 'delivered') this.write(this.statements.delivered, now, now, message.id, r.idx);
      else if (r.state === 'bounced') this.write(this.statements.bounced, now, message.id, r.idx);
      else if (message.state === 'deferred' && outcomes.has(r.idx)) {
        const reason = deferralReason(r.route, outcomes.get(r.idx)!.status);
        this.write(this.statements.deferred, now, reason, message.nextAttemptAt, message.attempts, message.id, r.idx);
      }
    }
  }

  /** What the customer may see about the message, or found: false (unknown, or the wrong recipient). */
  lookup(messageId: string, recipient: string, now = Date.now()): TraceAnswer {
    this.flush();
    const row = this.statements.lookup.get(this.lookupKey(messageId, recipient), now - this.retentionMs) as TraceRow | undefined;
    if (!row) return { found: false };
    return {
      found: true,
      stage: row.stage,
      received_at: iso(row.received_at)!,
      scan_started_at: iso(row.scan_started_at),
      scan_ended_at: iso(row.scan_ended_at),
      scan_skipped: row.scan_skipped === 1,
      delivered_at: iso(row.delivered_at),
      delay_s: row.delivered_at === null ? null : Math.max(0, Math.round((row.delivered_at - row.received_at) / 100) / 10),
      deferral:
        row.deferred_at === null || row.deferral_reason === null
          ? null
          : { reason: row.deferral_reason, at: iso(row.deferred_at)!, next_attempt_at: row.stage === 'deferred' ? iso(row.next_attempt_at) : null, attempts: row.attempts },
      finished_at: iso(row.finished_at),
    };
  }

  /** Deletes the records of messages received before `before`; returns how many. */
  prune(before: Date): number {
    this.flush();
    return this.statements.prune.run(before.getTime()).changes;
  }

  /** Told about a batch that could not be written (its records are lost; the mail is not). */
  onError: ((error: Error) => void) | undefined;

  private pending: Array<{ statement: Database.Statement; values: unknown[] }> = [];
  private flushTimer: NodeJS.Timeout | undefined;

  /** Queues one change, with its values taken now; written with the others within FLUSH_MS. */
  private write(statement: Database.Statement, ...values: unknown[]): void {
    this.pending.push({ statement, values });
    if (this.pending.length >= MAX_BATCH) this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  /** Writes the queued changes in one transaction, in the order they were made. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.db.transaction(() => {
        for (const { statement, values } of batch) statement.run(...values);
      })();
    } catch (error) {
      this.onError?.(error as Error);
    }
  }
}
