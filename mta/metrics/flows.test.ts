import { describe, expect, it } from 'vitest';
import { bucketOf, total } from '#contracts/histogram';
import type { QueuedMessage, Recipient } from '../spool/spool.js';
import { flowOf, flowQueueStates, RecentDestinations, RECENT_DESTINATION_MS } from './flows.js';

const NOW = Date.parse('2026-12-01T03:00:00Z');
let seq = 0;

function recipient(address: string, route: Recipient['route'], state: Recipient['state'] = 'pending'): Recipient {
  const [localPart, domain] = address.split('@') as [string, string];
  return { idx: 0, address, route, domain, localPart, state, status: null, diagnostic: null };
}

function message(ageS: number, recipients: Recipient[], lastError: string | null = null): QueuedMessage {
  seq++;
  return {
    id: `Q${seq}`,
    seq,
    state: 'deferred',
    clientIp: '192.0.2.1',
    helo: 'client.example',
    mailFrom: 'a@example.org',
    sourceKey: '192.0.2.1',
    size: 100,
    receivedAt: NOW - ageS * 1000,
    queuedAt: NOW - ageS * 1000,
    scanStart: null,
    scanEnd: null,
    scanResult: null,
    attempts: 1,
    bodyInFile: false,
    nextAttemptAt: NOW + 60_000,
    lastError,
    internal: false,
    recipients: recipients.map((r, idx) => ({ ...r, idx })),
  };
}

describe('mail flows in the MTA', () => {
  it('hosted mailboxes are inbound, every other domain outbound', () => {
    expect(flowOf(recipient('user1@demo.tayori.test', 'local'))).toBe('inbound');
    expect(flowOf(recipient('someone@gmail.test', 'relay'))).toBe('outbound');
  });

  it('a deferred confirmation to an unreachable domain waits in outbound only, named with its reason', () => {
    const recent = new RecentDestinations();
    const stuck = message(3600, [recipient('new@unreachable.test', 'relay')], 'connect to mx.unreachable.test: ETIMEDOUT');
    const state = flowQueueStates([stuck], recent, NOW);
    expect(state.inbound).toMatchObject({ depth: 0, oldestAgeS: 0 });
    expect(total(state.inbound.ages)).toBe(0);
    expect(state.outbound.depth).toBe(1);
    expect(state.outbound.oldestAgeS).toBe(3600);
    expect(state.outbound.ages[bucketOf(3600)]).toBe(1);
    expect(state.outbound.top).toEqual([{ domain: 'unreachable.test', waiting: 1, oldest_age_s: 3600, last_error: 'connect to mx.unreachable.test: ETIMEDOUT' }]);
    // One destination with mail waiting an hour, nothing else active.
    expect(total(state.outbound.destinations)).toBe(1);
  });

  it('a message for both flows waits in both; recipients already delivered do not wait', () => {
    const both = message(120, [recipient('user1@demo.tayori.test', 'local'), recipient('x@remote.test', 'relay'), recipient('y@done.test', 'relay', 'delivered')]);
    const state = flowQueueStates([both], new RecentDestinations(), NOW);
    expect(state.inbound.depth).toBe(1);
    expect(state.outbound.depth).toBe(1);
    expect(state.outbound.top.map((d) => d.domain)).toEqual(['remote.test']);
  });

  it('counts each destination once however much mail waits for it, and idle active domains as not late', () => {
    const recent = new RecentDestinations();
    for (const domain of ['a.test', 'b.test', 'c.test', 'slow.test']) recent.touch('outbound', domain, NOW - 60_000);
    const queue = [...Array.from({ length: 40 }, (_, i) => message(600 + i, [recipient(`u${i}@slow.test`, 'relay')])), message(2, [recipient('v@a.test', 'relay')])];
    const state = flowQueueStates(queue, recent, NOW);
    expect(state.outbound.depth).toBe(41);
    expect(total(state.outbound.ages)).toBe(41);
    // slow.test (oldest 639 s), a.test (2 s), b.test and c.test (idle): four destinations.
    expect(total(state.outbound.destinations)).toBe(4);
    expect(state.outbound.destinations[bucketOf(639)]).toBe(1);
    expect(state.outbound.destinations[0]).toBe(2);
    expect(state.outbound.top[0]).toMatchObject({ domain: 'slow.test', waiting: 40, oldest_age_s: 639 });
  });

  it('forgets destinations that have had no mail for ten minutes', () => {
    const recent = new RecentDestinations();
    recent.touch('outbound', 'old.test', NOW - RECENT_DESTINATION_MS - 1);
    recent.touch('outbound', 'fresh.test', NOW - 1000);
    expect(recent.active('outbound', NOW)).toEqual(['fresh.test']);
    expect(recent.active('inbound', NOW)).toEqual([]);
  });

  it('keeps the list of destinations short: the ten waiting longest', () => {
    const queue = Array.from({ length: 25 }, (_, i) => message(100 + i, [recipient(`u@d${i}.test`, 'relay')]));
    const state = flowQueueStates(queue, new RecentDestinations(), NOW);
    expect(state.outbound.top).toHaveLength(10);
    expect(state.outbound.top[0]!.domain).toBe('d24.test');
    expect(total(state.outbound.destinations)).toBe(25);
  });
});
