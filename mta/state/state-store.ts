// The MTA's own settings and history (hosted domains, mailboxes, blocklist, operator events,
// the rollup outbox) in its own SQLite file. The site's database is never touched from here.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type BlocklistKind = 'client' | 'sender_domain' | 'helo';

export interface BlocklistEntry {
  id: number;
  kind: BlocklistKind;
  value: string;
  reason: string | null;
  created_at: string;
  created_by: string;
}

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
export const DEMO_MAILBOXES = ['info', 'support', 'user1', 'user2', 'user3'];

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
  window_start TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
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

export class StateStore {
  readonly db: Database.Database;

  constructor(stateDir: string) {
    fs.mkdirSync(stateDir, { recursive: true });
    this.db = new Database(path.join(stateDir, 'mta.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.seedDemoDomain();
  }

  close(): void {
    this.db.close();
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

  listBlocklist(): BlocklistEntry[] {
    return this.db.prepare('SELECT id, kind, value, reason, created_at, created_by FROM blocklist ORDER BY id').all() as BlocklistEntry[];
  }

  addBlocklistEntry(kind: BlocklistKind, value: string, reason: string | null, createdBy: string): { entry: BlocklistEntry; created: boolean } {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO blocklist (kind, value, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(kind, value, reason, new Date().toISOString(), createdBy);
    const entry = this.db.prepare('SELECT id, kind, value, reason, created_at, created_by FROM blocklist WHERE kind = ? AND value = ?').get(kind, value) as BlocklistEntry;
    return { entry, created: result.changes === 1 };
  }

  removeBlocklistEntry(id: number): BlocklistEntry | undefined {
    const entry = this.db.prepare('SELECT id, kind, value, reason, created_at, created_by FROM blocklist WHERE id = ?').get(id) as BlocklistEntry | undefined;
    if (entry) this.db.prepare('DELETE FROM blocklist WHERE id = ?').run(id);
    return entry;
  }

  recordEvent(kind: string, actor: string, reason: string | null, detail: Record<string, unknown> = {}): MtaEvent {
    const at = new Date().toISOString();
    const result = this.db
      .prepare('INSERT INTO events (at, kind, actor, reason, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at, kind, actor, reason, JSON.stringify(detail));
    return { id: Number(result.lastInsertRowid), at, kind, actor, reason, detail };
  }

  listEvents(limit = 100, kind?: string): MtaEvent[] {
    const rows = (kind
      ? this.db.prepare('SELECT * FROM events WHERE kind = ? ORDER BY id DESC LIMIT ?').all(kind, limit)
      : this.db.prepare('SELECT * FROM events ORDER BY id DESC LIMIT ?').all(limit)) as Array<Omit<MtaEvent, 'detail'> & { detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  // Rollup outbox: written before any push attempt, removed only after the site accepted it.
  enqueueRollup(windowStart: string, body: unknown): void {
    this.db.prepare('INSERT OR IGNORE INTO rollup_outbox (window_start, body) VALUES (?, ?)').run(windowStart, JSON.stringify(body));
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
