// What the MTA remembers about who writes to its mailboxes, so that a flood of newcomers waits
// behind the people customers already correspond with (mta/scan/fair-queue.ts) and the scan
// breaker trusts only those (queue-manager.ts). Built from the MTA's own history, nothing else:
//
//   pair:<sender domain>|<client network>  clean (scanned, not spam) mail to a hosted mailbox
//                                           from that domain through that /24 (IPv4) or /48 (IPv6)
//   correspondent:<address>                 an address an authenticated customer sent mail to,
//                                           so that its answers are known
//
// A forged envelope sender alone earns nothing: the domain counts only together with the network
// the mail came from, and only once the scan found the mail clean. History has to be older than
// `minAgeMs` before it counts, so a burst of clean-looking mail cannot make itself known and jump
// ahead of everyone else. Spam from a pair or a correspondent costs it more than clean mail earns. Scores halve every `halfLifeDays`, entries
// fall away once they have faded, and the table never holds more than `maxEntries`.
import type Database from 'better-sqlite3';
import ipaddr from 'ipaddr.js';
import { normalizeIp } from '../policy/ip-ranges.js';

export type SenderClass = 'known' | 'unknown';

export interface ReputationSettings {
  halfLifeDays: number;
  maxEntries: number;
  /** How old a pair's first clean message must be before the pair counts as known. */
  minAgeMs: number;
}

export interface SenderFacts {
  mailFrom: string;
  clientIp: string;
  /** logged in with a customer's mailbox credentials */
  authenticated?: boolean;
}

/** A scan's verdict as far as reputation goes: clean mail earns, spam and viruses cost. */
export type ScanOutcome = 'clean' | 'spam';

/** Why a sender is known; null: unknown. */
export type KnownBecause = 'authenticated' | 'history' | 'correspondent' | null;

const CLEAN_CREDIT = 1;
const SPAM_DEBIT = 5;
/** Half of one clean message: one message keeps a pair known for one half-life. */
const KNOWN_SCORE = 0.5;
/** Below this (either way) an entry is forgotten at the next flush. */
const FADED = 0.05;
const DAY_MS = 86_400_000;

interface Entry {
  score: number;
  updatedAt: number;
  /** When the entry first earned credit: history younger than the minimum age does not count yet. */
  firstAt: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS reputation (
  key TEXT PRIMARY KEY,
  score REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  first_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS reputation_updated_at ON reputation (updated_at);
`;

/** The client network a sender's reputation is tied to: /24 for IPv4, /48 for IPv6. */
export function reputationNetwork(address: string): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(normalizeIp(address));
  } catch {
    return address;
  }
  if (parsed.kind() === 'ipv4') {
    const [a, b, c] = (parsed as ipaddr.IPv4).octets;
    return `${a}.${b}.${c}.0/24`;
  }
  const bytes = parsed.toByteArray().map((byte, i) => (i < 6 ? byte : 0));
  return `${ipaddr.fromByteArray(bytes).toString()}/48`;
}

function senderDomain(mailFrom: string): string | null {
  const at = mailFrom.lastIndexOf('@');
  if (at < 1 || at === mailFrom.length - 1) return null;
  return mailFrom.slice(at + 1).toLowerCase();
}

/** The key of a sender's (domain, network) pair; null for the null sender. */
export function pairKey(facts: Pick<SenderFacts, 'mailFrom' | 'clientIp'>): string | null {
  const domain = senderDomain(facts.mailFrom);
  return domain ? `pair:${domain}|${reputationNetwork(facts.clientIp)}` : null;
}

function correspondentKey(address: string): string | null {
  return senderDomain(address) ? `correspondent:${address.toLowerCase()}` : null;
}

export class ReputationStore {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private readonly halfLifeMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly settings: ReputationSettings,
    now = Date.now(),
  ) {
    this.halfLifeMs = settings.halfLifeDays * DAY_MS;
    db.exec(SCHEMA);
    // Newest last, so that when the table holds more than the cap the oldest are the ones left out.
    const rows = db.prepare('SELECT key, score, updated_at, first_at FROM reputation ORDER BY updated_at DESC LIMIT ?').all(settings.maxEntries) as Array<{ key: string; score: number; updated_at: number; first_at: number }>;
    for (const row of rows.reverse()) this.entries.set(row.key, { score: row.score, updatedAt: row.updated_at, firstAt: row.first_at });
    this.flush(now);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Known or not, and why. */
  explain(facts: SenderFacts, now = Date.now()): KnownBecause {
    if (facts.authenticated) return 'authenticated';
    const pair = pairKey(facts);
    const history = pair ? this.entries.get(pair) : undefined;
    if (history && this.decayed(history, now) >= KNOWN_SCORE && now - history.firstAt >= this.settings.minAgeMs) return 'history';
    const correspondent = correspondentKey(facts.mailFrom);
    if (correspondent && this.score(correspondent, now) >= KNOWN_SCORE) return 'correspondent';
    return null;
  }

  classify(facts: SenderFacts, now = Date.now()): SenderClass {
    return this.explain(facts, now) ? 'known' : 'unknown';
  }

  /**
   * A scan's verdict on mail to a hosted mailbox. Answers true when this made the sender's pair
   * known just now (possible only with no minimum age), so that its mail still waiting can move up.
   */
  recordScan(facts: SenderFacts, outcome: ScanOutcome, now = Date.now()): boolean {
    const pair = pairKey(facts);
    if (!pair) return false;
    if (outcome === 'spam') {
      this.add(pair, -SPAM_DEBIT, now);
      // A correspondent's address used for spam stops opening the door, forged or not.
      const correspondent = correspondentKey(facts.mailFrom);
      if (correspondent && this.entries.has(correspondent)) this.add(correspondent, -SPAM_DEBIT, now);
      return false;
    }
    const wasKnown = this.explain(facts, now) !== null;
    this.add(pair, CLEAN_CREDIT, now);
    return !wasKnown && this.explain(facts, now) !== null;
  }

  /** A customer sent mail to these addresses: their answers will be known. */
  recordCorrespondents(addresses: string[], now = Date.now()): void {
    for (const address of addresses) {
      const key = correspondentKey(address);
      if (key) this.add(key, CLEAN_CREDIT, now);
    }
  }

  /** Forgets everything (the admin reset). Returns how many entries there were. */
  reset(): number {
    const count = this.entries.size;
    this.entries.clear();
    this.dirty.clear();
    this.db.prepare('DELETE FROM reputation').run();
    return count;
  }

  /** Writes what changed, forgets what faded, and keeps the table under its cap. */
  flush(now = Date.now()): void {
    const upsert = this.db.prepare('INSERT INTO reputation (key, score, updated_at, first_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at, first_at = excluded.first_at');
    const remove = this.db.prepare('DELETE FROM reputation WHERE key = ?');
    this.db.transaction(() => {
      for (const [key, entry] of this.entries) {
        if (Math.abs(this.decayed(entry, now)) < FADED) {
          this.entries.delete(key);
          remove.run(key);
          this.dirty.delete(key);
        }
      }
      for (const key of this.dirty) {
        const entry = this.entries.get(key);
        if (entry) upsert.run(key, entry.score, entry.updatedAt, entry.firstAt);
      }
      this.dirty.clear();
      // Over the cap: the entries touched longest ago go (the map keeps insertion order, and every
      // update re-inserts, so the first entries are the least recently touched).
      let excess = this.entries.size - this.settings.maxEntries;
      for (const key of this.entries.keys()) {
        if (excess-- <= 0) break;
        this.entries.delete(key);
        remove.run(key);
      }
    })();
  }

  private score(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry ? this.decayed(entry, now) : 0;
  }

  private decayed(entry: Entry, now: number): number {
    const age = Math.max(0, now - entry.updatedAt);
    return entry.score * 0.5 ** (age / this.halfLifeMs);
  }

  private add(key: string, delta: number, now: number): void {
    const previous = this.entries.get(key);
    const score = (previous ? this.decayed(previous, now) : 0) + delta;
    // An entry that fell to nothing or below starts its history again when it earns credit.
    const firstAt = previous && (previous.score > 0 || delta < 0) ? previous.firstAt : now;
    this.entries.delete(key);
    this.entries.set(key, { score, updatedAt: now, firstAt });
    this.dirty.add(key);
    // Between flushes the map may grow past the cap by one flush interval's worth, no more.
    if (this.entries.size > this.settings.maxEntries * 1.1) this.flush(now);
  }
}
