import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from './state-store.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-state-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('state store', () => {
  it('upgrades a data file from before blocklist entries could expire, keeping its entries', () => {
    // The blocklist table as earlier versions created it.
    const old = new Database(path.join(dir, 'mta.db'));
    old.exec(`CREATE TABLE blocklist (
      id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, value TEXT NOT NULL, reason TEXT,
      created_at TEXT NOT NULL, created_by TEXT NOT NULL, UNIQUE (kind, value));
      INSERT INTO blocklist (kind, value, reason, created_at, created_by) VALUES ('client', '198.51.100.0/24', 'flood source', '2014-12-02T02:00:00.000Z', 'ops');`);
    old.close();

    const store = new StateStore(dir);
    expect(store.listBlocklist()).toEqual([
      { id: 1, kind: 'client', value: '198.51.100.0/24', reason: 'flood source', created_at: '2014-12-02T02:00:00.000Z', created_by: 'ops', expires_at: null },
    ]);
    const added = store.addBlocklistEntry('client', '192.0.2.5', 'auto: 61 messages in 60 s (limit 60)', 'auto', new Date(Date.now() + 60_000));
    expect(added.outcome).toBe('created');
    store.close();

    // Opening it again changes nothing.
    const again = new StateStore(dir);
    expect(again.db.pragma('user_version', { simple: true })).toBe(2);
    expect(again.listBlocklist().map((e) => e.value)).toEqual(['198.51.100.0/24', '192.0.2.5']);
    again.close();
  });

  it('upgrades a rollup outbox from before flows, keeping what waits (as inbound), and then keeps both flows of a window', () => {
    const old = new Database(path.join(dir, 'mta.db'));
    old.exec(`CREATE TABLE rollup_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, window_start TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
      INSERT INTO rollup_outbox (window_start, body) VALUES ('2026-12-01T00:00:00.000Z', '{"delivered":3}');
      PRAGMA user_version = 1;`);
    old.close();

    const store = new StateStore(dir);
    expect(store.peekRollups(10)).toEqual([{ id: 1, body: { delivered: 3 } }]);
    expect(store.db.prepare('SELECT flow FROM rollup_outbox').pluck().all()).toEqual(['inbound']);
    store.enqueueRollup('2026-12-01T00:00:10.000Z', 'inbound', { delivered: 1 });
    store.enqueueRollup('2026-12-01T00:00:10.000Z', 'outbound', { delivered: 2 });
    // A window written twice (a restart mid-window) is still kept once per flow.
    store.enqueueRollup('2026-12-01T00:00:10.000Z', 'outbound', { delivered: 99 });
    expect(store.peekRollups(10).map((r) => r.body)).toEqual([{ delivered: 3 }, { delivered: 1 }, { delivered: 2 }]);
    store.close();
  });

  it('leaves expired entries out of the listing, replaces them when the address is blocked again, and sweeps them', () => {
    const store = new StateStore(dir);
    const t0 = new Date('2014-12-02T02:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    store.addBlocklistEntry('client', '192.0.2.5', 'auto', 'auto', at(1000), t0);
    store.addBlocklistEntry('sender_domain', 'spam.example', null, 'ops', null, t0);
    expect(store.listBlocklist(at(999)).map((e) => e.value)).toEqual(['192.0.2.5', 'spam.example']);
    expect(store.listBlocklist(at(1000)).map((e) => e.value)).toEqual(['spam.example']);
    // Blocked again after expiry, before a sweep: a fresh entry, not "already there".
    const again = store.addBlocklistEntry('client', '192.0.2.5', 'auto again', 'auto', at(5000), at(2000));
    expect(again).toMatchObject({ outcome: 'created', entry: { reason: 'auto again', expires_at: at(5000).toISOString() } });
    expect(store.removeExpiredBlocklistEntries(at(4999))).toEqual([]);
    expect(store.removeExpiredBlocklistEntries(at(5000)).map((e) => e.value)).toEqual(['192.0.2.5']);
    expect(store.listBlocklist(new Date(0)).map((e) => e.value)).toEqual(['spam.example']);
    store.close();
  });
});
