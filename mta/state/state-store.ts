// The MTA's own settings and history (hosted domains, mailboxes, blocklist, operator events,
// the rollup outbox) in its own SQLite file. The site's database is never touched from here.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BlocklistKind } from '#contracts/mta-admin-api';

export type { BlocklistKind };

export interface BlocklistEntry {
  id: number;
  kind: BlocklistKind;
  value: string;
  reason: string | null;
  created_at: string;
  created_by: string;
  /** When the entry stops applying (automatic blocks); null = until an admin removes it. */
  expires_at: string | null;
}

/** What adding an entry did: made a new one, replaced an expiring one by a longer-lasting one, or nothing. */
export type BlocklistAddOutcome = 'created' | 'updated' | 'exists';

export interface MtaEvent {
  id: number;
  at: string;
  kind: string;
  actor: string;
  reason: string | null;
  detail: Record<string, unknown>;
}

export interface HostedDomain {
  name: string;
  verify_recipients: boolean;
  mailboxes: string[];
}

export const DEMO_DOMAIN = 'demo.tayori.test';
// canary: the end-to-end canary's mailbox (CANARY_TO's default, lib/canary).
export const DEMO_MAILBOXES = ['info', 'support', 'user1', 'user2', 'user3', 'canary'];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS domains (
  name TEXT PRIMARY KEY,
  verify_recipients INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mailboxes (
  domain TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
  local_part TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (domain, local_part)
);
CREATE TABLE IF NOT EXISTS blocklist (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  expires_at TEXT,
  UNIQUE (kind, value)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS rollup_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  window_start TEXT NOT NULL,
  flow TEXT NOT NULL DEFAULT 'inbound',
  body TEXT NOT NULL,
  UNIQUE (window_start, flow)
);
CREATE TABLE IF NOT EXISTS credentials (
  address TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

// Changes to tables that existing data files already have: CREATE TABLE IF NOT EXISTS leaves an
// old table as it is. Step n brings a file from PRAGMA user_version n to n + 1; each step also
// copes with a file made by the current SCHEMA, which already has everything.
const MIGRATIONS: Array<(db: Database.Database) => void> = [
  // 1: blocklist entries may expire (automatic blocks of flooding clients).
  (db) => addColumnIfMissing(db, 'blocklist', 'expires_at', 'TEXT'),
  // 2: one rollup per flow and window (inbound, outbound); rollups already waiting were mixed: inbound.
  (db) => {
    const columns = db.prepare('PRAGMA table_info(rollup_outbox)').all() as Array<{ name: string }>;
    if (columns.some((c) => c.name === 'flow')) return;
    db.exec(`
      CREATE TABLE rollup_outbox_by_flow (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        window_start TEXT NOT NULL,
        flow TEXT NOT NULL DEFAULT 'inbound',
        body TEXT NOT NULL,
        UNIQUE (window_start, flow)
      );
      INSERT INTO rollup_outbox_by_flow (id, window_start, flow, body) SELECT id, window_start, 'inbound', body FROM rollup_outbox;
      DROP TABLE rollup_outbox;
      ALTER TABLE rollup_outbox_by_flow RENAME TO rollup_outbox;
    `);
  },
];

function addColumnIfMissing(db: Database.Database, table: string, column: string, type: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

const BLOCKLIST_COLUMNS = 'id, kind, value, reason, created_at, created_by, expires_at';

export class StateStore {
  readonly db: Database.Database;

  constructor(stateDir: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.db = new Database(path.join(stateDir, 'mta.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.migrate();
    this.seedDemoDomain();
  }

  close(): void {
    this.db.close();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let step = version; step < MIGRATIONS.length; step++) {
      this.db.transaction(() => {
        MIGRATIONS[step]!(this.db);
        this.db.pragma(`user_version = ${step + 1}`);
      })();
    }
  }

  private seedDemoDomain(): void {
    if (this.getSetting('seeded')) return;
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('INSERT OR IGNORE INTO domains (name, verify_recipients, created_at) VALUES (?, 1, ?)').run(DEMO_DOMAIN, now);
      const add = this.db.prepare('INSERT OR IGNORE INTO mailboxes (domain, local_part, created_at) VALUES (?, ?, ?)');
      for (const local of DEMO_MAILBOXES) add.run(DEMO_DOMAIN, local, now);
      this.setSetting('seeded', now);
    })();
  }

  getSetting(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // Domains and mailboxes are read on every RCPT, so they live in memory and reload on change.
  listDomains(): HostedDomain[] {
    const domains = this.db.prepare('SELECT name, verify_recipients FROM domains ORDER BY name').all() as Array<{ name: string; verify_recipients: number }>;
    const boxes = this.db.prepare('SELECT domain, local_part FROM mailboxes ORDER BY local_part').all() as Array<{ domain: string; local_part: string }>;
    return domains.map((d) => ({
      name: d.name,
      verify_recipients: d.verify_recipients === 1,
      mailboxes: boxes.filter((b) => b.domain === d.name).map((b) => b.local_part),
    }));
  }

  upsertDomain(name: string, verifyRecipients: boolean): void {
    this.db
      .prepare('INSERT INTO domains (name, verify_recipients, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET verify_recipients = excluded.verify_recipients')
      .run(name, verifyRecipients ? 1 : 0, new Date().toISOString());
  }

  addMailbox(domain: string, localPart: string): boolean {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO mailboxes (domain, local_part, created_at) VALUES (?, ?, ?)')
      .run(domain, localPart, new Date().toISOString());
    return result.changes === 1;
  }

  setPasswordHash(address: string, hash: string): void {
    this.db
      .prepare('INSERT INTO credentials (address, password_hash, updated_at) VALUES (?, ?, ?) ON CONFLICT(address) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at')
      .run(address, hash, new Date().toISOString());
  }

  passwordHash(address: string): string | undefined {
    const row = this.db.prepare('SELECT password_hash FROM credentials WHERE address = ?').get(address) as { password_hash: string } | undefined;
    return row?.password_hash;
  }

  // Expired entries count as gone the moment they expire, whether or not a sweep removed them yet.
  // ISO 8601 UTC timestamps of one length compare correctly as text.
  listBlocklist(now = new Date()): BlocklistEntry[] {
    return this.db
      .prepare(`SELECT ${BLOCKLIST_COLUMNS} FROM blocklist WHERE expires_at IS NULL OR expires_at > ? ORDER BY id`)
      .all(now.toISOString()) as BlocklistEntry[];
  }

  /**
   * Adds an entry unless one for the same value applies already. An entry that would expire is
   * replaced when the new one lasts longer (an admin making an automatic block permanent).
   */
  addBlocklistEntry(
    kind: BlocklistKind,
    value: string,
    reason: string | null,
    createdBy: string,
    expiresAt: Date | null = null,
    now = new Date(),
  ): { entry: BlocklistEntry; outcome: BlocklistAddOutcome } {
    const at = now.toISOString();
    const until = expiresAt?.toISOString() ?? null;
    const select = this.db.prepare(`SELECT ${BLOCKLIST_COLUMNS} FROM blocklist WHERE kind = ? AND value = ?`);
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM blocklist WHERE kind = ? AND value = ? AND expires_at <= ?').run(kind, value, at);
      const existing = select.get(kind, value) as BlocklistEntry | undefined;
      if (!existing) {
        this.db
          .prepare('INSERT INTO blocklist (kind, value, reason, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(kind, value, reason, at, createdBy, until);
        return { entry: select.get(kind, value) as BlocklistEntry, outcome: 'created' as const };
      }
      const lastsLonger = existing.expires_at !== null && (until === null || until > existing.expires_at);
      if (!lastsLonger) return { entry: existing, outcome: 'exists' as const };
      this.db
        .prepare('UPDATE blocklist SET reason = ?, created_at = ?, created_by = ?, expires_at = ? WHERE id = ?')
        .run(reason, at, createdBy, until, existing.id);
      return { entry: select.get(kind, value) as BlocklistEntry, outcome: 'updated' as const };
    })();
  }

  removeBlocklistEntry(id: number): BlocklistEntry | undefined {
    const entry = this.db.prepare(`SELECT ${BLOCKLIST_COLUMNS} FROM blocklist WHERE id = ?`).get(id) as BlocklistEntry | undefined;
    if (entry) this.db.prepare('DELETE FROM blocklist WHERE id = ?').run(id);
    return entry;
  }

  /** Deletes the entries that have expired and returns them. */
  removeExpiredBlocklistEntries(now = new Date()): BlocklistEntry[] {
    const at = now.toISOString();
    return this.db.transaction(() => {
      const expired = this.db.prepare(`SELECT ${BLOCKLIST_COLUMNS} FROM blocklist WHERE expires_at <= ? ORDER BY id`).all(at) as BlocklistEntry[];
      this.db.prepare('DELETE FROM blocklist WHERE expires_at <= ?').run(at);
      return expired;
    })();
  }

  recordEvent(kind: string, actor: string, reason: string | null, detail: Record<string, unknown> = {}): MtaEvent {
    const at = new Date().toISOString();
    const result = this.db
      .prepare('INSERT INTO events (at, kind, actor, reason, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at, kind, actor, reason, JSON.stringify(detail));
    return { id: Number(result.lastInsertRowid), at, kind, actor, reason, detail };
  }

  /** Deletes events recorded before `before`; returns how many. */
  pruneEvents(before: Date): number {
    return this.db.prepare('DELETE FROM events WHERE at < ?').run(before.toISOString()).changes;
  }

  listEvents(limit = 100, kind?: string): MtaEvent[] {
    const rows = (kind
      ? this.db.prepare('SELECT * FROM events WHERE kind = ? ORDER BY id DESC LIMIT ?').all(kind, limit)
      : this.db.prepare('SELECT * FROM events ORDER BY id DESC LIMIT ?').all(limit)) as Array<Omit<MtaEvent, 'detail'> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  // Rollup outbox: written before any push attempt, removed only after the site accepted it.
  enqueueRollup(windowStart: string, flow: string, body: unknown): void {
    this.db.prepare('INSERT OR IGNORE INTO rollup_outbox (window_start, flow, body) VALUES (?, ?, ?)').run(windowStart, flow, JSON.stringify(body));
  }

  peekRollups(limit: number): Array<{ id: number; body: unknown }> {
    const rows = this.db.prepare('SELECT id, body FROM rollup_outbox ORDER BY id LIMIT ?').all(limit) as Array<{ id: number; body: string }>;
    return rows.map((r) => ({ id: r.id, body: JSON.parse(r.body) as unknown }));
  }

  removeRollups(ids: number[]): void {
    if (ids.length === 0) return;
    const remove = this.db.prepare('DELETE FROM rollup_outbox WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) remove.run(id);
    })();
  }

  outboxSize(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM rollup_outbox').get() as { n: number }).n;
  }
}
