import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inMemoryBody } from '../spool/message-body.js';
import { StateStore } from '../state/state-store.js';
import { BuiltinScanner, EICAR, GTUBE } from './builtin-scanner.js';
import { ScanPolicyController } from './scan-policy.js';
import { runScanners, type Scanner } from './scanner.js';

const input = (message: string) => ({ queueId: 'Q', mailFrom: 'a@example.org', recipients: ['u@d.test'], clientIp: '192.0.2.1', helo: 'x', message: inMemoryBody(Buffer.from(message)) });
const signal = new AbortController().signal;

describe('built-in scanner', () => {
  it('passes ordinary mail, flags spam traits, recognises GTUBE and EICAR', async () => {
    const s = new BuiltinScanner();
    const ham = await s.scan(input('Date: x\r\nMessage-ID: <1@x>\r\nSubject: Lunch?\r\n\r\nSee you at noon.\r\n'), signal);
    expect(ham).toEqual({ scanner: 'builtin', score: 0, virus: null, detail: '' });
    const spam = await s.scan(input('Subject: YOU HAVE WON A PRIZE!!!\r\n\r\nclaim your prize now\r\n'), signal);
    expect(spam.score).toBeGreaterThanOrEqual(5);
    expect(spam.detail.split(',')).toEqual(expect.arrayContaining(['SUBJ_ALL_CAPS', 'SPAM_PHRASE_SUBJECT', 'MISSING_DATE']));
    expect((await s.scan(input(`Subject: t\r\n\r\n${GTUBE}\r\n`), signal)).score).toBeGreaterThanOrEqual(1000);
    expect((await s.scan(input(`Subject: t\r\n\r\n${EICAR}\r\n`), signal)).virus).toBe('Eicar-Test-Signature');
    const attached = `Subject: t\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(EICAR).toString('base64')}\r\n`;
    expect((await s.scan(input(attached), signal)).virus).toBe('Eicar-Test-Signature');
  });

  it('gives up on a scanner that does not answer in time', async () => {
    const stuck: Scanner = { name: 'stuck', scan: () => new Promise(() => {}) };
    await expect(runScanners([stuck], input('x'), 50)).rejects.toThrow('stuck did not answer within 50 ms');
  });
});

describe('scan policy controller', () => {
  const store = () => new StateStore(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-')));

  it('auto bypasses when the oldest waiting message is too old and resumes once drained, recording both', () => {
    const s = store();
    const c = new ScanPolicyController(s, 'auto', { bypassAgeMs: 300_000, resumeAgeMs: 30_000, minBypassMs: 60_000 });
    c.evaluate(100_000, 0);
    expect(c.bypassing).toBe(false);
    c.evaluate(300_000, 1_000);
    expect(c.bypassing).toBe(true);
    c.evaluate(0, 30_000); // drained, but not yet bypassed for the minimum time
    expect(c.bypassing).toBe(true);
    c.evaluate(40_000, 70_000); // minimum time over, but still a backlog
    expect(c.bypassing).toBe(true);
    c.evaluate(10_000, 80_000);
    expect(c.bypassing).toBe(false);
    const events = s.listEvents(10, 'scan_policy');
    expect(events.map((e) => [e.actor, e.detail.bypassing])).toEqual([['auto', false], ['auto', true]]);
    expect(events[1]!.reason).toBe('oldest message waiting for a scan is 300 s old (threshold 300 s)');
  });

  it('a switch made by an operator survives a restart', () => {
    const s = store();
    new ScanPolicyController(s, 'enabled', { bypassAgeMs: 1, resumeAgeMs: 0, minBypassMs: 0 }).set('bypass', 'tanaka', 'flood');
    const after = new ScanPolicyController(s, 'enabled', { bypassAgeMs: 1, resumeAgeMs: 0, minBypassMs: 0 });
    expect(after.state).toMatchObject({ policy: 'bypass', bypassing: true });
  });
});
