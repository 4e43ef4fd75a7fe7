import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueuedMessage, Recipient } from '../spool/spool.js';
import { MessageTrace } from './message-trace.js';
import { pruneOldTraces } from './trace-retention.js';

let dir: string;
let trace: MessageTrace;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tayori-trace-'));
  trace = new MessageTrace(dir, 7);
});
afterEach(() => {
  trace.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const MID = 'CAF=abc.123@mail.example.org';

function recipient(idx: number, address: string, route: Recipient['route'] = 'local'): Recipient {
  const [localPart, domain] = address.split('@') as [string, string];
  return { idx, address, route, domain, localPart, state: 'pending', status: null, diagnostic: null };
}

function message(receivedAt: number, recipients: Recipient[]): QueuedMessage {
  return {
    id: 'Q1', seq: 1, state: 'scan', clientIp: '192.0.2.1', helo: 'mx.example.org', mailFrom: 'sender@example.org', sourceKey: '192.0.2.1', size: 100,
    receivedAt, queuedAt: receivedAt, scanStart: null, scanEnd: null, scanResult: null, attempts: 0, nextAttemptAt: 0, lastError: null, internal: false, recipients, bodyInFile: false,
  };
}

describe('the mail trace records', () => {
  it('follows each recipient through the scan to delivered or deferred, found only with the right pair', () => {
    const t0 = Date.now() - 60_000;
    const m = message(t0, [recipient(0, 'user1@demo.tayori.test'), recipient(1, 'partner@remote.example', 'relay')]);
    trace.received(m, MID);
    expect(trace.lookup(MID, 'User1@Demo.Tayori.Test')).toMatchObject({ found: true, stage: 'scan_waiting', received_at: new Date(t0).toISOString(), scan_started_at: null });

    m.scanStart = t0 + 1000;
    trace.scanStarted(m);
    expect(trace.lookup(MID, 'user1@demo.tayori.test')).toMatchObject({ stage: 'scanning', scan_started_at: new Date(t0 + 1000).toISOString() });
    m.scanEnd = t0 + 2000;
    m.state = 'deliver';
    trace.scanned(m, 'deliver');
    expect(trace.lookup(MID, 'user1@demo.tayori.test')).toMatchObject({ stage: 'delivering', scan_ended_at: new Date(t0 + 2000).toISOString(), scan_skipped: false });

    m.recipients[0]!.state = 'delivered';
    m.state = 'deferred';
    m.attempts = 1;
    m.nextAttemptAt = t0 + 303_000;
    const outcomes = new Map([
      [0, { address: 'user1@demo.tayori.test', outcome: 'delivered' as const, status: '2.0.0', diagnostic: 'delivered to maildir' }],
      [1, { address: 'partner@remote.example', outcome: 'deferred' as const, status: '4.4.1', diagnostic: 'connect to MX hosts of remote.example failed' }],
    ]);
    trace.recipientsChanged(m, outcomes, t0 + 3000);
    expect(trace.lookup(MID, 'user1@demo.tayori.test')).toEqual({
      found: true, stage: 'delivered', received_at: new Date(t0).toISOString(), scan_started_at: new Date(t0 + 1000).toISOString(), scan_ended_at: new Date(t0 + 2000).toISOString(),
      scan_skipped: false, delivered_at: new Date(t0 + 3000).toISOString(), delay_s: 3, deferral: null, finished_at: new Date(t0 + 3000).toISOString(),
    });
    expect(trace.lookup(MID, 'partner@remote.example')).toMatchObject({
      stage: 'deferred', delivered_at: null, deferral: { reason: 'destination_unreachable', at: new Date(t0 + 3000).toISOString(), next_attempt_at: new Date(t0 + 303_000).toISOString(), attempts: 1 },
    });

    // A recipient the message never had, and a Message-ID it never had: the same answer.
    expect(trace.lookup(MID, 'user2@demo.tayori.test')).toEqual({ found: false });
    expect(trace.lookup('other@mail.example.org', 'user1@demo.tayori.test')).toEqual({ found: false });
  });

  it('tells held (virus or refused spam), bounced and delivered without the scan apart', () => {
    const t0 = Date.now() - 10_000;
    const held = message(t0, [recipient(0, 'user1@demo.tayori.test')]);
    trace.received(held, 'held@example.org');
    held.scanStart = t0 + 100;
    held.scanEnd = t0 + 200;
    trace.scanned(held, 'held');
    expect(trace.lookup('held@example.org', 'user1@demo.tayori.test')).toMatchObject({ stage: 'held', delivered_at: null, finished_at: new Date(t0 + 200).toISOString() });

    const returned = { ...message(t0, [recipient(0, 'partner@remote.example', 'relay')]), id: 'Q2' };
    trace.received(returned, 'returned@example.org');
    returned.recipients[0]!.state = 'bounced';
    trace.recipientsChanged(returned, new Map(), t0 + 5000);
    expect(trace.lookup('returned@example.org', 'partner@remote.example')).toMatchObject({ stage: 'bounced', finished_at: new Date(t0 + 5000).toISOString(), deferral: null });

    const bypassed = { ...message(t0, [recipient(0, 'user2@demo.tayori.test')]), id: 'Q3' };
    trace.received(bypassed, 'bypassed@example.org');
    bypassed.scanStart = bypassed.scanEnd = t0 + 300;
    trace.scanned(bypassed, 'deliver', true);
    expect(trace.lookup('bypassed@example.org', 'user2@demo.tayori.test')).toMatchObject({ stage: 'delivering', scan_skipped: true });
  });

  it('keeps neither the Message-ID nor the recipient in its files, only a keyed hash; the key is owner-only', () => {
    trace.received(message(Date.now(), [recipient(0, 'user1@demo.tayori.test')]), MID);
    trace.close();
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('trace.db'));
    const stored = Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f)))).toString('latin1');
    expect(stored).not.toContain('user1');
    expect(stored).not.toContain('abc.123');
    expect(fs.statSync(path.join(dir, 'trace-key')).mode & 0o077).toBe(0);
    // Another key (another MTA, a stolen file without its key): the same pair finds nothing.
    fs.writeFileSync(path.join(dir, 'trace-key'), 'another-key-0123456789abcdef\n', { mode: 0o600 });
    trace = new MessageTrace(dir, 7);
    expect(trace.lookup(MID, 'user1@demo.tayori.test')).toEqual({ found: false });
  });

  it('deletes and never answers records older than the retention', () => {
    const now = Date.now();
    const old = message(now - 8 * DAY, [recipient(0, 'user1@demo.tayori.test')]);
    const recent = { ...message(now - 6 * DAY, [recipient(0, 'user1@demo.tayori.test')]), id: 'Q2' };
    trace.received(old, 'old@example.org');
    trace.received(recent, 'recent@example.org');
    // Past the retention but not yet swept: not answered all the same.
    expect(trace.lookup('old@example.org', 'user1@demo.tayori.test', now)).toEqual({ found: false });
    const log: string[] = [];
    expect(pruneOldTraces(trace, 7, (l) => log.push(l), now)).toBe(1);
    expect(log).toEqual(['trace: 1 records older than 7 days removed']);
    expect(trace.lookup('recent@example.org', 'user1@demo.tayori.test', now)).toMatchObject({ found: true });
    // Two days on, the other one goes too.
    expect(pruneOldTraces(trace, 7, () => {}, now + 2 * DAY)).toBe(1);
  });

  it('records nothing for mail without a Message-ID or written by the MTA itself', () => {
    trace.received(message(Date.now(), [recipient(0, 'user1@demo.tayori.test')]), undefined);
    trace.received({ ...message(Date.now(), [recipient(0, 'user1@demo.tayori.test')]), internal: true }, MID);
    expect(trace.lookup(MID, 'user1@demo.tayori.test')).toEqual({ found: false });
    expect(pruneOldTraces(trace, 7, () => {}, Date.now() + 30 * DAY)).toBe(0);
  });
});
