import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../state/state-store.js';
import { ReputationStore, pairKey, reputationNetwork } from './reputation-store.js';

const T0 = Date.parse('2014-12-02T02:00:00.000Z');
const DAY = 86_400_000;
const settings = { halfLifeDays: 30, maxEntries: 1000, minAgeMs: 0 };

let dir: string;
let state: StateStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-reputation-'));
  state = new StateStore(dir);
});

afterEach(() => {
  state.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const partner = { mailFrom: 'tanaka@partner.example', clientIp: '198.51.100.20' };

describe('reputation networks', () => {
  it('ties a sender to its /24 (IPv4, IPv4-mapped IPv6) or /48 (IPv6)', () => {
    expect(reputationNetwork('198.51.100.20')).toBe('198.51.100.0/24');
    expect(reputationNetwork('::ffff:198.51.100.20')).toBe('198.51.100.0/24');
    expect(reputationNetwork('2001:db8:1234:5678::1')).toBe('2001:db8:1234::/48');
    expect(pairKey({ mailFrom: 'A@Partner.Example', clientIp: '198.51.100.9' })).toBe('pair:partner.example|198.51.100.0/24');
    expect(pairKey({ mailFrom: '', clientIp: '198.51.100.9' })).toBeNull();
  });
});

describe('ReputationStore', () => {
  it('knows a sender once its domain delivered clean mail through the same network, not before', () => {
    const rep = new ReputationStore(state.db, settings, T0);
    expect(rep.classify(partner, T0)).toBe('unknown');
    expect(rep.recordScan(partner, 'clean', T0)).toBe(true);
    expect(rep.classify(partner, T0 + 1)).toBe('known');
    expect(rep.explain({ mailFrom: 'sato@partner.example', clientIp: '198.51.100.77' }, T0 + 1)).toBe('history');
    // The second clean message does not make it "newly known" again.
    expect(rep.recordScan(partner, 'clean', T0 + 2)).toBe(false);
  });

  it('counts history only once it is older than the minimum age: a burst cannot make itself known', () => {
    const rep = new ReputationStore(state.db, { ...settings, minAgeMs: 3_600_000 }, T0);
    for (let i = 0; i < 50; i++) expect(rep.recordScan(partner, 'clean', T0 + i * 1000)).toBe(false);
    expect(rep.classify(partner, T0 + 60_000)).toBe('unknown');
    expect(rep.classify(partner, T0 + 3_600_000)).toBe('known');
    // Spam wipes the credit out (50 clean, 11 spam: below zero); once clean mail has paid that back,
    // a new history starts, with a new wait.
    for (let i = 0; i < 11; i++) rep.recordScan(partner, 'spam', T0 + 3_600_000 + i);
    for (let i = 0; i < 10; i++) rep.recordScan(partner, 'clean', T0 + 3_700_000 + i);
    expect(rep.classify(partner, T0 + 3_700_100)).toBe('unknown');
    expect(rep.classify(partner, T0 + 7_300_100)).toBe('known');
  });

  it('does not let a forged sender address from another network in', () => {
    const rep = new ReputationStore(state.db, settings, T0);
    rep.recordScan(partner, 'clean', T0);
    expect(rep.classify({ mailFrom: partner.mailFrom, clientIp: '203.0.113.5' }, T0)).toBe('unknown');
    expect(rep.classify({ mailFrom: 'x@other.example', clientIp: partner.clientIp }, T0)).toBe('unknown');
    expect(rep.classify({ mailFrom: '', clientIp: partner.clientIp }, T0)).toBe('unknown');
  });

  it('costs a pair more for spam than clean mail earns', () => {
    const rep = new ReputationStore(state.db, settings, T0);
    for (let i = 0; i < 3; i++) rep.recordScan(partner, 'clean', T0 + i);
    expect(rep.classify(partner, T0 + 3)).toBe('known');
    rep.recordScan(partner, 'spam', T0 + 4);
    expect(rep.classify(partner, T0 + 5)).toBe('unknown');
  });

  it('knows authenticated customers and the answers of people customers wrote to', () => {
    const rep = new ReputationStore(state.db, settings, T0);
    expect(rep.explain({ mailFrom: 'user1@demo.tayori.test', clientIp: '203.0.113.5', authenticated: true }, T0)).toBe('authenticated');
    rep.recordCorrespondents(['Suzuki@Customer-Of-Ours.example'], T0);
    expect(rep.explain({ mailFrom: 'suzuki@customer-of-ours.example', clientIp: '192.0.2.1' }, T0 + 1)).toBe('correspondent');
    expect(rep.classify({ mailFrom: 'other@customer-of-ours.example', clientIp: '192.0.2.1' }, T0 + 1)).toBe('unknown');
    // Spam under a correspondent's address closes that door too.
    rep.recordScan({ mailFrom: 'suzuki@customer-of-ours.example', clientIp: '192.0.2.1' }, 'spam', T0 + 2);
    expect(rep.classify({ mailFrom: 'suzuki@customer-of-ours.example', clientIp: '203.0.113.9' }, T0 + 3)).toBe('unknown');
  });

  it('fades with time: one clean message lasts one half-life, and faded entries are forgotten', () => {
    const rep = new ReputationStore(state.db, settings, T0);
    rep.recordScan(partner, 'clean', T0);
    expect(rep.classify(partner, T0 + 29 * DAY)).toBe('known');
    expect(rep.classify(partner, T0 + 31 * DAY)).toBe('unknown');
    rep.flush(T0 + 200 * DAY);
    expect(rep.size).toBe(0);
    expect(state.db.prepare('SELECT COUNT(*) AS n FROM reputation').get()).toEqual({ n: 0 });
  });

  it('survives a restart (kept in the MTA state database) and can be reset', () => {
    const rep = new ReputationStore(state.db, settings, T0);
    rep.recordScan(partner, 'clean', T0);
    rep.flush(T0);
    const again = new ReputationStore(state.db, settings, T0 + DAY);
    expect(again.classify(partner, T0 + DAY)).toBe('known');
    expect(again.reset()).toBe(1);
    expect(again.classify(partner, T0 + DAY)).toBe('unknown');
    expect(new ReputationStore(state.db, settings, T0 + DAY).size).toBe(0);
  });

  it('stays under its cap, forgetting the entries touched longest ago', () => {
    const rep = new ReputationStore(state.db, { halfLifeDays: 30, maxEntries: 100, minAgeMs: 0 }, T0);
    for (let i = 0; i < 500; i++) rep.recordScan({ mailFrom: `a@d${i}.example`, clientIp: '198.51.100.1' }, 'clean', T0 + i);
    rep.flush(T0 + 500);
    expect(rep.size).toBe(100);
    expect(state.db.prepare('SELECT COUNT(*) AS n FROM reputation').get()).toEqual({ n: 100 });
    expect(rep.classify({ mailFrom: 'a@d499.example', clientIp: '198.51.100.1' }, T0 + 501)).toBe('known');
    expect(rep.classify({ mailFrom: 'a@d0.example', clientIp: '198.51.100.1' }, T0 + 501)).toBe('unknown');
  });
});
