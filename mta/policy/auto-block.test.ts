import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../state/state-store.js';
import { AutoBlocker, type AutoBlockSettings } from './auto-block.js';
import { Blocklist } from './blocklist.js';
import { BlocklistKeeper } from './blocklist-keeper.js';
import { NetworkList } from './ip-ranges.js';

const T0 = Date.parse('2014-12-02T02:00:00.000Z');
const HOUR = 3_600_000;
const settings: AutoBlockSettings = { enabled: true, messagesPerMinute: 60, rejectedRecipientsPerMinute: 10, durationMs: HOUR };

let dir: string;
let store: StateStore;
let keeper: BlocklistKeeper;
let log: string[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-autoblock-'));
  store = new StateStore(dir);
  log = [];
  keeper = new BlocklistKeeper(store, new Blocklist(), (line) => log.push(line));
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function blocker(overrides: Partial<AutoBlockSettings> = {}, blocked: string[] = []) {
  return new AutoBlocker({
    settings: { ...settings, ...overrides },
    trusted: new NetworkList(['10.0.0.0/8']),
    keeper,
    onBlocked: (entry, m) => blocked.push(`${entry.value} ${m.trigger}`),
  });
}

const outsider = { ip: '192.0.2.5', authenticated: false };

describe('automatic blocking', () => {
  it('blocks a client on its 61st message in a minute, for one client address, until it expires', () => {
    const blocked: string[] = [];
    const auto = blocker({}, blocked);
    for (let i = 0; i < 60; i++) expect(auto.message(outsider, T0 + i)).toBeUndefined();
    expect(keeper.blocklist.matchClient('192.0.2.5', T0 + 60)).toBeUndefined();
    const entry = auto.message(outsider, T0 + 60);
    expect(entry).toMatchObject({ kind: 'client', value: '192.0.2.5', created_by: 'auto', reason: 'auto: 61 messages in 60 s (limit 60)', expires_at: new Date(T0 + 60 + HOUR).toISOString() });
    expect(blocked).toEqual(['192.0.2.5 messages']);
    expect(keeper.blocklist.matchClient('192.0.2.5', T0 + 61)?.id).toBe(entry!.id);
    expect(keeper.blocklist.matchClient('192.0.2.6', T0 + 61)).toBeUndefined();
    // Expired: no longer matched or listed, even before the sweep removes it.
    expect(keeper.blocklist.matchClient('192.0.2.5', T0 + 60 + HOUR)).toBeUndefined();
    expect(keeper.entries(new Date(T0 + 60 + HOUR))).toEqual([]);
    expect(keeper.entries(new Date(T0 + 61)).map((e) => e.value)).toEqual(['192.0.2.5']);
  });

  it('counts and blocks an IPv6 client by its /64, so a host hopping between its addresses is caught', () => {
    const blocked: string[] = [];
    const auto = blocker({}, blocked);
    // 61 messages, each from another address of the same /64.
    const entries = Array.from({ length: 61 }, (_, i) => auto.message({ ip: `2001:db8:1:2::${(i + 1).toString(16)}`, authenticated: false }, T0 + i));
    expect(entries.slice(0, 60).every((e) => e === undefined)).toBe(true);
    expect(entries[60]).toMatchObject({ kind: 'client', value: '2001:db8:1:2::/64', created_by: 'auto' });
    expect(blocked).toEqual(['2001:db8:1:2::/64 messages']);
    // Every address of that /64 is refused, the neighbouring /64 is not.
    expect(keeper.blocklist.matchClient('2001:db8:1:2:ffff::1', T0 + 61)?.id).toBe(entries[60]!.id);
    expect(keeper.blocklist.matchClient('2001:db8:1:3::1', T0 + 61)).toBeUndefined();
  });

  it('blocks a dictionary attack on its 11th refused recipient and says so in the event log', () => {
    const auto = blocker();
    for (let i = 0; i < 10; i++) expect(auto.rejectedRecipient(outsider, T0 + i)).toBeUndefined();
    expect(auto.rejectedRecipient(outsider, T0 + 10)).toMatchObject({ reason: 'auto: 11 refused recipients in 60 s (limit 10)' });
    const [event] = store.listEvents(1, 'blocklist');
    expect(event).toMatchObject({ actor: 'auto', reason: 'auto: 11 refused recipients in 60 s (limit 10)', detail: { action: 'add', kind: 'client', value: '192.0.2.5', trigger: 'rejected_recipients', count: 11 } });
    expect(log.join('\n')).toContain('blocklist: auto added client 192.0.2.5 until');
  });

  it('never blocks trusted networks or authenticated sessions', () => {
    const auto = blocker({ messagesPerMinute: 1, rejectedRecipientsPerMinute: 1 });
    for (let i = 0; i < 100; i++) {
      expect(auto.message({ ip: '10.1.2.3', authenticated: false }, T0 + i)).toBeUndefined();
      expect(auto.rejectedRecipient({ ip: '10.1.2.3', authenticated: false }, T0 + i)).toBeUndefined();
      expect(auto.message({ ip: '192.0.2.5', authenticated: true }, T0 + i)).toBeUndefined();
    }
    expect(keeper.entries(new Date(T0))).toEqual([]);
  });

  it('does nothing when switched off', () => {
    const auto = blocker({ enabled: false });
    for (let i = 0; i < 100; i++) expect(auto.message(outsider, T0 + i)).toBeUndefined();
    expect(keeper.entries(new Date(T0))).toEqual([]);
  });

  it('starts counting afresh once a block expires, and blocks again on a new flood', () => {
    const auto = blocker({ messagesPerMinute: 2, durationMs: 10_000 });
    for (let i = 0; i < 3; i++) auto.message(outsider, T0 + i);
    expect(keeper.blocklist.matchClient('192.0.2.5', T0 + 5)).toBeDefined();
    const after = T0 + 20_000;
    expect(auto.message(outsider, after)).toBeUndefined();
    expect(auto.message(outsider, after + 1)).toBeUndefined();
    const again = auto.message(outsider, after + 2);
    expect(again).toMatchObject({ value: '192.0.2.5', expires_at: new Date(after + 2 + 10_000).toISOString() });
    expect(keeper.entries(new Date(after + 3))).toHaveLength(1);
  });

  it('sweeps expired entries out of the store, leaving manual ones, with an event for each', () => {
    const auto = blocker({ messagesPerMinute: 1, durationMs: 10_000 });
    keeper.add({ kind: 'client', value: '198.51.100.0/24', reason: 'flood source', actor: 'ops' }, new Date(T0));
    auto.message(outsider, T0);
    auto.message(outsider, T0 + 1);
    expect(keeper.sweep(new Date(T0 + 5_000))).toEqual([]);
    const swept = keeper.sweep(new Date(T0 + 11_000));
    expect(swept.map((e) => e.value)).toEqual(['192.0.2.5']);
    expect(store.listBlocklist(new Date(0)).map((e) => e.value)).toEqual(['198.51.100.0/24']);
    expect(store.listEvents(1, 'blocklist')[0]).toMatchObject({ actor: 'expiry', detail: { action: 'expire', value: '192.0.2.5', created_by: 'auto' } });
  });

  it('an admin adding the same address makes an automatic block permanent', () => {
    const auto = blocker({ messagesPerMinute: 1 });
    auto.message(outsider, T0);
    auto.message(outsider, T0 + 1);
    const { entry, outcome } = keeper.add({ kind: 'client', value: '192.0.2.5', reason: 'known spammer', actor: 'ops' }, new Date(T0 + 2));
    expect(outcome).toBe('updated');
    expect(entry).toMatchObject({ created_by: 'ops', reason: 'known spammer', expires_at: null });
    expect(keeper.blocklist.matchClient('192.0.2.5', T0 + 10 * HOUR)).toBeDefined();
    // A later automatic block does not shorten a permanent entry.
    expect(keeper.add({ kind: 'client', value: '192.0.2.5', reason: 'auto', actor: 'auto', expiresAt: new Date(T0 + HOUR) }, new Date(T0 + 3)).outcome).toBe('exists');
  });
});
