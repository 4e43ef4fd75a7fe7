import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneOldEvents } from './event-retention.js';
import { StateStore } from './state-store.js';

let dir: string;
let store: StateStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-events-'));
  store = new StateStore(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;

describe('event retention', () => {
  it('deletes events older than the retention and keeps the rest, saying how many went', () => {
    const old = store.recordEvent('blocklist', 'auto', 'auto: 61 messages in 60 s (limit 60)', { action: 'add', value: '192.0.2.5' });
    const recent = store.recordEvent('blocklist', 'ops', null, { action: 'remove', value: '192.0.2.5' });
    const log: string[] = [];
    // 30 days on from the first event, with 10 days' retention: only events of the last 10 days stay.
    const now = Date.parse(old.at) + 30 * DAY;
    store.db.prepare('UPDATE events SET at = ? WHERE id = ?').run(new Date(now - 2 * DAY).toISOString(), recent.id);
    expect(pruneOldEvents(store, 10, (l) => log.push(l), now)).toBe(1);
    expect(store.listEvents().map((e) => e.id)).toEqual([recent.id]);
    expect(log).toEqual(['events: 1 older than 10 days removed']);
  });

  it('keeps everything with a retention of 0', () => {
    const event = store.recordEvent('scan_policy', 'ops', 'flood', {});
    expect(pruneOldEvents(store, 0, () => {}, Date.parse(event.at) + 1000 * DAY)).toBe(0);
    expect(store.listEvents()).toHaveLength(1);
  });
});
