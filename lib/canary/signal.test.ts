import { describe, expect, it } from 'vitest';
import { delayIn, missingAgeAt, type Probe } from './signal';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const probe = (sentS: number, arrivedS: number | null, extra: Partial<Probe> = {}): Probe => ({
  sentAt: at(sentS),
  arrivedAt: arrivedS === null ? null : at(arrivedS),
  error: null,
  checkedAt: null,
  ...extra,
});

describe('how long the canary has been missing', () => {
  it('is nothing while each probe arrives within its minute', () => {
    const probes = [probe(0, 3), probe(60, 62), probe(120, 121)];
    expect(missingAgeAt(probes, at(130))).toBe(0);
  });

  it('grows from the oldest probe still missing, up to the last read of the mailbox', () => {
    const probes = [probe(0, 3), probe(60, null, { checkedAt: at(295) }), probe(120, null, { checkedAt: at(295) }), probe(180, null, { checkedAt: at(295) })];
    expect(missingAgeAt(probes, at(300))).toBe(235);
    // Earlier in time, only what was known then.
    expect(missingAgeAt(probes, at(100))).toBe(40);
  });

  it('stops growing when the mailbox can no longer be read: a broken reader is not late mail', () => {
    const probes = [probe(0, 3), probe(60, null, { checkedAt: at(90) }), probe(120, null, { checkedAt: null }), probe(180, null)];
    expect(missingAgeAt(probes, at(900))).toBe(30);
  });

  it('forgets a lost probe once a later one arrives', () => {
    const probes = [probe(0, null, { checkedAt: at(200) }), probe(60, 65), probe(120, 121)];
    expect(missingAgeAt(probes, at(200))).toBe(0);
    // Before the later one arrived, the lost one was missing.
    expect(missingAgeAt(probes, at(64))).toBe(64);
  });

  it('counts a send that found no server (mail is not getting in), not one refused for good (a wrong address)', () => {
    expect(missingAgeAt([probe(0, 1), probe(60, null, { error: 'connect ECONNREFUSED 127.0.0.1:2525' })], at(400))).toBe(340);
    expect(missingAgeAt([probe(0, 1), probe(60, null, { error: '550 5.1.1 no such mailbox' })], at(400))).toBe(0);
  });
});

describe('the canary on a chart', () => {
  it('gives the longest trip of the probes sent in the interval, and the age of one still missing', () => {
    const probes = [probe(0, 4), probe(60, 150), probe(120, null)];
    expect(delayIn(probes, at(0), at(100), at(300))).toBe(90);
    expect(delayIn(probes, at(100), at(200), at(300))).toBe(180);
    expect(delayIn(probes, at(200), at(300), at(300))).toBeNull();
  });
});
