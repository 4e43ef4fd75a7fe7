// The durable queue. Messages live in SQLite in WAL mode; a message is acknowledged with 250 only
// after the transaction holding it is on stable storage. Writes that arrive together share one
// commit, and commits that arrive while an fsync is running share the next one (group commit).
//
// SQLite's own fsync (synchronous=FULL) would block the event loop for every commit, so SQLite
// runs with synchronous=OFF and this class does what FULL would do, off the main thread: it
// fsyncs the WAL file with an asynchronous fs.fsync before resolving durable writes, and it runs
// the checkpoints itself, fsyncing the database file before SQLite may reuse the WAL.
//
// The text of a small message is a column of its row. A large one (incoming-body.ts) is a file in
// bodies/, named after the queue id, written and fsynced (with its directory entry) before the row
// that points to it is committed; a file without a row (a crash in between) is removed at start.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DirectorySyncer } from './directory-sync.js';
import { IncomingBody } from './incoming-body.js';
import { fileBody, inMemoryBody, type MessageBody } from './message-body.js';

export type MessageState = 'scan' | 'deliver' | 'deferred' | 'quarantined' | 'discarded';
export type RecipientState = 'pending' | 'delivered' | 'bounced';

export interface ScanResult {
  check: 'done' | 'skipped' | 'failed';
  score: number | null;
  spam: boolean;
  virus: string | null;
  scanners: string[];
  detail: string;
}

export interface Recipient {
  idx: number;
  address: string;
  /** local = hosted mailbox (Maildir), relay = another domain */
  route: 'local' | 'relay';
  domain: string;
  localPart: string;
  state: RecipientState;
  status: string | null;
  diagnostic: string | null;
}

export interface QueuedMessage {
  id: string;
  seq: number;
  state: MessageState;
  clientIp: string;
  helo: string;
  mailFrom: string;
  sourceKey: string;
  size: number;
  receivedAt: number;
  queuedAt: number;
  scanStart: number | null;
  scanEnd: number | null;
  scanResult: ScanResult | null;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** Bounces and other mail the MTA writes itself: never scanned, never bounced. */
  internal: boolean;
  recipients: Recipient[];
  /** Picked up from the spool after a restart: a delivery may already have happened. */
  recovered?: boolean;
  /**
   * Sent by a customer logged in with their mailbox's credentials (not the site's submission user).
   * Kept in memory only: after a restart the sender's history decides (mta/reputation).
   */
  authenticated?: boolean;
  /** The text is a file in bodies/ (a large message), not a column of the row. */
  bodyInFile: boolean;
}

export type NewMessage = Omit<QueuedMessage, 'seq' | 'queuedAt' | 'scanStart' | 'scanEnd' | 'scanResult' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'bodyInFile'> & {
  /** the text itself, or the file IncomingBody wrote it to (already on stable storage) */
  body: Buffer | { file: string };
  /** set when the message was scanned before it was accepted (MTA_SCAN_INLINE) */
  scanResult?: ScanResult | null;
  scanStart?: number | null;
  scanEnd?: number | null;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  helo TEXT NOT NULL,
  mail_from TEXT NOT NULL,
  source_key TEXT NOT NULL,
  size INTEGER NOT NULL,
  body BLOB,
  received_at REAL NOT NULL,
  queued_at REAL NOT NULL,
  scan_start REAL,
  scan_end REAL,
  scan_result TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at REAL NOT NULL DEFAULT 0,
  last_error TEXT,
  internal INTEGER NOT NULL DEFAULT 0,
  body_file INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS recipients (
  message_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  address TEXT NOT NULL,
  route TEXT NOT NULL,
  domain TEXT NOT NULL,
  local_part TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  status TEXT,
  diagnostic TEXT,
  PRIMARY KEY (message_id, idx)
);
CREATE INDEX IF NOT EXISTS messages_state ON messages(state);
`;

interface MessageRow {
  seq: number;
  id: string;
  state: MessageState;
  client_ip: string;
  helo: string;
  mail_from: string;
  source_key: string;
  size: number;
  received_at: number;
  queued_at: number;
  scan_start: number | null;
  scan_end: number | null;
  scan_result: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  internal: number;
  body_file: number;
}

interface RecipientRow {
  message_id: string;
  idx: number;
  address: string;
  route: 'local' | 'relay';
  domain: string;
  local_part: string;
  state: RecipientState;
  status: string | null;
  diagnostic: string | null;
}

/**
 * Queue ids sort by arrival time and are safe inside Maildir file names: milliseconds, then a
 * per-process random prefix and a counter, so ids stay unique across restarts and within one
 * millisecond without asking the CSPRNG for every message.
 */
const processPrefix = crypto.randomBytes(2).toString('hex').toUpperCase();
let sequence = 0;
export function newQueueId(now = Date.now()): string {
  sequence = (sequence + 1) % 0x10000;
  return now.toString(36).toUpperCase().padStart(9, '0') + processPrefix + sequence.toString(16).toUpperCase().padStart(4, '0');
}

export class Spool {
  private readonly db: Database.Database;
  private pending: Array<{ run: () => void; resolve: () => void; reject: (e: unknown) => void; durable: boolean }> = [];
  private flushScheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  private readonly dbPath: string;
  private walFd: number | undefined;
  private dbFd: number | undefined;
  /** resolvers of committed durable writes waiting for the next WAL fsync */
  private awaitingSync: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private syncing = false;
  private checkpointing = false;
  private commitsSinceCheckpoint = 0;
  private syncFailure: Error | undefined;
  private closed = false;
  private readonly statements;
  private readonly bodiesDir: string;
  readonly directorySync = new DirectorySyncer();

  constructor(spoolDir: string) {
    fs.mkdirSync(spoolDir, { recursive: true });
    this.bodiesDir = path.join(spoolDir, 'bodies');
    fs.mkdirSync(this.bodiesDir, { recursive: true, mode: 0o700 });
    this.dbPath = path.join(spoolDir, 'queue.db');
    this.db = new Database(this.dbPath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.exec(SCHEMA);
    // Spools made before large messages went to files of their own lack the column.
    const columns = this.db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'body_file')) this.db.exec('ALTER TABLE messages ADD COLUMN body_file INTEGER NOT NULL DEFAULT 0');
    // Whatever an earlier run left in the WAL goes into the database file, durably, first.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    fs.fsyncSync((this.dbFd = fs.openSync(this.dbPath, 'r')));
    this.statements = {
      insertMessage: this.db.prepare(
        `INSERT INTO messages (id, state, client_ip, helo, mail_from, source_key, size, body, received_at, queued_at, scan_start, scan_end, scan_result, internal, body_file)
         VALUES (@id, @state, @clientIp, @helo, @mailFrom, @sourceKey, @size, @body, @receivedAt, @queuedAt, @scanStart, @scanEnd, @scanResult, @internal, @bodyFile)`,
      ),
      insertRecipient: this.db.prepare(
        `INSERT INTO recipients (message_id, idx, address, route, domain, local_part, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
      ),
      body: this.db.prepare('SELECT body FROM messages WHERE id = ?').pluck(),
      markScanned: this.db.prepare('UPDATE messages SET state = ?, scan_start = ?, scan_end = ?, scan_result = ? WHERE id = ?'),
      setState: this.db.prepare('UPDATE messages SET state = ? WHERE id = ?'),
      discard: this.db.prepare("UPDATE messages SET state = 'discarded', body = NULL, body_file = 0 WHERE id = ?"),
      defer: this.db.prepare("UPDATE messages SET state = 'deferred', attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?"),
      recipientDone: this.db.prepare('UPDATE recipients SET state = ?, status = ?, diagnostic = ? WHERE message_id = ? AND idx = ?'),
      deleteMessage: this.db.prepare('DELETE FROM messages WHERE id = ?'),
      deleteRecipients: this.db.prepare('DELETE FROM recipients WHERE message_id = ?'),
      flushDeferred: this.db.prepare("UPDATE messages SET next_attempt_at = 0 WHERE state = 'deferred'"),
    };
    this.removeOrphanBodies();
  }

  /** Where a large message's text is kept. */
  bodyPath(id: string): string {
    return path.join(this.bodiesDir, id);
  }

  /** A message being received: its text, kept in memory or written to bodyPath(id) as it grows. */
  incoming(id: string, prefix: Buffer, maxBytes: number): IncomingBody {
    return new IncomingBody(this.bodyPath(id), prefix, maxBytes, this.directorySync);
  }

  /** Body files whose message was never committed (a crash between the two) or is gone. */
  private removeOrphanBodies(): void {
    const kept = new Set(this.db.prepare("SELECT id FROM messages WHERE body_file = 1 AND state != 'discarded'").pluck().all() as string[]);
    for (const name of fs.readdirSync(this.bodiesDir)) if (!kept.has(name)) fs.rmSync(path.join(this.bodiesDir, name), { force: true });
  }

  private removeBodyFile(id: string): void {
    fs.rm(this.bodyPath(id), { force: true }, () => {});
  }

  /**
   * Queues a write for the next group commit. Durable writes (new mail) are committed with an
   * fsync before the promise resolves: that is what a 250 rests on. Lazy writes (scan results,
   * delivery outcomes) skip the fsync and wait up to 20 ms to share a commit: after a crash such
   * an update may be lost, which only means a message is scanned again or its delivery is
   * repeated, and repeated Maildir deliveries are recognised (see maildir.ts).
   */
  write(run: () => void, durable = true): Promise<void> {
    if (this.closed) return Promise.reject(new Error('spool is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ run, resolve, reject, durable });
      if (durable) {
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          setImmediate(() => this.flush());
        }
      } else if (!this.lazyTimer && !this.flushScheduled) {
        this.lazyTimer = setTimeout(() => this.flush(), 20);
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    // SQLite may restart the WAL on the first write after a checkpoint: not before the
    // database file holding the checkpointed pages is itself on disk.
    if (this.checkpointing) return;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const failed = new Set<number>();
    try {
      this.db.transaction(() => {
        batch.forEach((op, i) => {
          // One bad write must not cost the others their commit.
          try {
            op.run();
          } catch (error) {
            failed.add(i);
            op.reject(error);
          }
        });
      })();
    } catch (error) {
      batch.forEach((op, i) => failed.has(i) || op.reject(error));
      return;
    }
    this.commitsSinceCheckpoint++;
    batch.forEach((op, i) => {
      if (failed.has(i)) return;
      if (op.durable) this.awaitingSync.push(op);
      else op.resolve();
    });
    this.syncWal();
  }

  /** One fsync of the WAL at a time; commits made meanwhile share the next one. */
  private syncWal(): void {
    if (this.syncing || this.awaitingSync.length === 0) {
      this.maybeCheckpoint();
      return;
    }
    const waiting = this.awaitingSync;
    this.awaitingSync = [];
    if (this.syncFailure) {
      // After an fsync error the kernel may have dropped our writes: acknowledge no more mail.
      for (const op of waiting) op.reject(this.syncFailure);
      return;
    }
    this.syncing = true;
    this.walFd ??= fs.openSync(`${this.dbPath}-wal`, 'r');
    fs.fsync(this.walFd, (error) => {
      this.syncing = false;
      if (error) this.syncFailure = error;
      for (const op of waiting) {
        if (error) op.reject(error);
        else op.resolve();
      }
      this.syncWal();
    });
  }

  /** Copies the WAL into the database every few hundred commits, so the WAL stays small. */
  private maybeCheckpoint(): void {
    if (this.checkpointing || this.syncing || this.closed || this.commitsSinceCheckpoint < 500) return;
    this.checkpointing = true;
    this.commitsSinceCheckpoint = 0;
    this.db.pragma('wal_checkpoint(PASSIVE)');
    fs.fsync(this.dbFd!, (error) => {
      this.checkpointing = false;
      if (error) this.syncFailure = error;
      if (this.pending.length > 0) this.flush();
    });
  }

  /** Makes a new message durable; resolves when it may be acknowledged with 250. */
  accept(message: NewMessage): Promise<QueuedMessage> {
    const queuedAt = Date.now();
    let seq = 0;
    const bodyInFile = !Buffer.isBuffer(message.body);
    if (bodyInFile && (message.body as { file: string }).file !== this.bodyPath(message.id)) {
      return Promise.reject(new Error(`the text of ${message.id} is not in ${this.bodyPath(message.id)}`));
    }
    return this.write(() => {
      const result = this.statements.insertMessage.run({
        id: message.id,
        state: message.state,
        clientIp: message.clientIp,
        helo: message.helo,
        mailFrom: message.mailFrom,
        sourceKey: message.sourceKey,
        size: message.size,
        body: bodyInFile ? null : message.body,
        receivedAt: message.receivedAt,
        queuedAt,
        scanStart: message.scanStart ?? null,
        scanEnd: message.scanEnd ?? null,
        scanResult: message.scanResult ? JSON.stringify(message.scanResult) : null,
        internal: message.internal ? 1 : 0,
        bodyFile: bodyInFile ? 1 : 0,
      });
      seq = Number(result.lastInsertRowid);
      for (const r of message.recipients) {
        this.statements.insertRecipient.run(message.id, r.idx, r.address, r.route, r.domain, r.localPart);
      }
    }).then(() => ({
      id: message.id,
      seq,
      state: message.state,
      clientIp: message.clientIp,
      helo: message.helo,
      mailFrom: message.mailFrom,
      sourceKey: message.sourceKey,
      size: message.size,
      receivedAt: message.receivedAt,
      queuedAt,
      scanStart: message.scanStart ?? null,
      scanEnd: message.scanEnd ?? null,
      scanResult: message.scanResult ?? null,
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
      internal: message.internal,
      recipients: message.recipients.map((r) => ({ ...r })),
      bodyInFile,
    }));
  }

  /** A queued message's text; undefined when it is gone (deleted meanwhile). */
  body(message: Pick<QueuedMessage, 'id' | 'size' | 'bodyInFile'>): MessageBody | undefined {
    if (message.bodyInFile) return fs.existsSync(this.bodyPath(message.id)) ? fileBody(this.bodyPath(message.id), message.size) : undefined;
    const data = this.statements.body.get(message.id) as Buffer | null | undefined;
    return data ? inMemoryBody(data) : undefined;
  }

  async markScanned(message: QueuedMessage, next: MessageState): Promise<void> {
    await this.write(() => {
      this.statements.markScanned.run(next, message.scanStart, message.scanEnd, message.scanResult ? JSON.stringify(message.scanResult) : null, message.id);
      if (next === 'discarded') this.statements.discard.run(message.id);
    }, next === 'discarded');
    // A refused message's text is not kept (its row is, for the listing).
    if (next === 'discarded' && message.bodyInFile) this.removeBodyFile(message.id);
  }

  quarantine(message: QueuedMessage): Promise<void> {
    return this.write(() => {
      this.statements.markScanned.run('quarantined', message.scanStart, message.scanEnd, message.scanResult ? JSON.stringify(message.scanResult) : null, message.id);
    });
  }

  /** Records recipient outcomes of one delivery attempt and the message's next state. */
  async recordAttempt(message: QueuedMessage, finished: boolean): Promise<void> {
    const updates = message.recipients.filter((r) => r.state !== 'pending').map((r) => [r.state, r.status, r.diagnostic, message.id, r.idx] as const);
    await this.write(() => {
      if (finished) {
        this.statements.deleteRecipients.run(message.id);
        this.statements.deleteMessage.run(message.id);
        return;
      }
      for (const u of updates) this.statements.recipientDone.run(...u);
      if (message.state === 'deferred') {
        this.statements.defer.run(message.attempts, message.nextAttemptAt, message.lastError, message.id);
      } else {
        this.statements.setState.run(message.state, message.id);
      }
    }, false);
    // After the commit: a crash before it finds the file still needed, one after it an orphan.
    if (finished && message.bodyInFile) this.removeBodyFile(message.id);
  }

  flushDeferred(): Promise<void> {
    return this.write(() => {
      this.statements.flushDeferred.run();
    });
  }

  /** Everything not yet finished, in arrival order: what a restart must pick up again. */
  loadUnfinished(): QueuedMessage[] {
    const rows = this.db
      .prepare("SELECT seq, id, state, client_ip, helo, mail_from, source_key, size, received_at, queued_at, scan_start, scan_end, scan_result, attempts, next_attempt_at, last_error, internal, body_file FROM messages WHERE state IN ('scan', 'deliver', 'deferred') ORDER BY seq")
      .all() as MessageRow[];
    const recipients = this.db
      .prepare("SELECT r.* FROM recipients r JOIN messages m ON m.id = r.message_id WHERE m.state IN ('scan', 'deliver', 'deferred') ORDER BY r.message_id, r.idx")
      .all() as RecipientRow[];
    const byMessage = new Map<string, Recipient[]>();
    for (const r of recipients) {
      const list = byMessage.get(r.message_id) ?? [];
      list.push({ idx: r.idx, address: r.address, route: r.route, domain: r.domain, localPart: r.local_part, state: r.state, status: r.status, diagnostic: r.diagnostic });
      byMessage.set(r.message_id, list);
    }
    return rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      // A scan interrupted by a crash is simply done again.
      state: row.state,
      clientIp: row.client_ip,
      helo: row.helo,
      mailFrom: row.mail_from,
      sourceKey: row.source_key,
      size: row.size,
      receivedAt: row.received_at,
      queuedAt: row.queued_at,
      scanStart: row.scan_start,
      scanEnd: row.scan_end,
      scanResult: row.scan_result ? (JSON.parse(row.scan_result) as ScanResult) : null,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      internal: row.internal === 1,
      recipients: byMessage.get(row.id) ?? [],
      recovered: true,
      bodyInFile: row.body_file === 1,
    }));
  }

  /** Removes a quarantined or refused message for good; false when there is no such held message. */
  async deleteHeld(id: string): Promise<boolean> {
    let removed = false;
    let inFile = false;
    await this.write(() => {
      inFile = this.db.prepare("SELECT body_file FROM messages WHERE id = ? AND state IN ('quarantined', 'discarded')").pluck().get(id) === 1;
      removed = this.db.prepare("DELETE FROM messages WHERE id = ? AND state IN ('quarantined', 'discarded')").run(id).changes === 1;
      if (removed) this.statements.deleteRecipients.run(id);
    });
    if (removed && inFile) this.removeBodyFile(id);
    return removed;
  }

  countByState(): Record<string, number> {
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM messages GROUP BY state').all() as Array<{ state: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  listHeld(state: 'quarantined' | 'discarded', limit = 100): Array<{ id: string; mail_from: string; client_ip: string; received_at: number; scan_result: ScanResult | null }> {
    const rows = this.db
      .prepare('SELECT id, mail_from, client_ip, received_at, scan_result FROM messages WHERE state = ? ORDER BY seq DESC LIMIT ?')
      .all(state, limit) as Array<{ id: string; mail_from: string; client_ip: string; received_at: number; scan_result: string | null }>;
    return rows.map((r) => ({ ...r, scan_result: r.scan_result ? (JSON.parse(r.scan_result) as ScanResult) : null }));
  }

  /** Commits and syncs whatever is queued, then closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (let i = 0; i < 100 && (this.pending.length > 0 || this.syncing || this.checkpointing || this.awaitingSync.length > 0); i++) {
      if (!this.checkpointing && this.pending.length > 0) this.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.closed = true;
    clearTimeout(this.lazyTimer);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    fs.fsyncSync(this.dbFd!);
    if (this.walFd !== undefined) fs.closeSync(this.walFd);
    fs.closeSync(this.dbFd!);
    this.db.close();
  }
}
