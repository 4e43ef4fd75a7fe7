import { describe, expect, it } from 'vitest';
import { DELAY_BUCKET_BOUNDS } from '#contracts/rollup-schema';
import { DEFAULT_LATE_MAIL, mergedWindows } from '../metrics/signals';
import { accounting, dayWindows, fromMtaEvent, mergeBursts, stageMaxima, type RollupRow } from './report-figures';

const jst = (iso: string) => new Date(`${iso}+09:00`);
const counts = (delays: number[]) => {
  const c = new Array(DELAY_BUCKET_BOUNDS.length + 1).fill(0);
  for (const d of delays) {
    const i = DELAY_BUCKET_BOUNDS.findIndex((b) => d <= b);
    c[i === -1 ? DELAY_BUCKET_BOUNDS.length : i]++;
  }
  return c;
};
const row = (source: string, at: Date, over: Partial<RollupRow> = {}, delays: number[] = []): RollupRow => ({
  source,
  windowStart: at,
  windowSeconds: 10,
  accepted: 0,
  delivered: delays.length,
  bounced: 0,
  queueDepth: 0,
  oldestAgeS: 0,
  histogram: JSON.stringify({ bounds: DELAY_BUCKET_BOUNDS, counts: counts(delays) }),
  delayMax: delays.length ? Math.max(...delays) : null,
  waitingHistogram: null,
  ...over,
});

describe('dayWindows', () => {
  it('splits a window at the site’s midnight, each day with the delay measured in it', () => {
    const rows = [
      // Before the window opened, within the rule's two lead windows: counted for the first day.
      row('mx', jst('2014-12-02T23:29:50'), {}, Array(6).fill(900)),
      row('mx', jst('2014-12-02T23:40:00'), {}, Array(6).fill(600)),
      row('mx', jst('2014-12-03T00:30:00'), {}, Array(6).fill(1200)),
      // Mail delivered after the window is not the window's.
      row('mx', jst('2014-12-03T02:00:00'), {}, Array(6).fill(3000)),
    ];
    const parts = dayWindows([{ startAt: jst('2014-12-02T23:30:00'), endAt: jst('2014-12-03T01:00:00'), maxDelayS: 1100 }], mergedWindows(rows, 'inbound'), 20_000, new Date(), 'Asia/Tokyo', DEFAULT_LATE_MAIL);
    expect(parts).toEqual([
      { startAt: jst('2014-12-02T23:30:00'), endAt: jst('2014-12-03T00:00:00'), maxDelayS: 900 },
      { startAt: jst('2014-12-03T00:00:00'), endAt: jst('2014-12-03T01:00:00'), maxDelayS: 1200 },
    ]);
  });

  it('keeps the stored maximum of a window without measurements, and never says less than it', () => {
    const windows = [{ startAt: jst('2014-12-03T09:00:00'), endAt: jst('2014-12-03T20:40:00'), maxDelayS: 5400 }];
    expect(dayWindows(windows, [], 0, new Date(), 'Asia/Tokyo', DEFAULT_LATE_MAIL)[0]!.maxDelayS).toBe(5400);
    const measured = mergedWindows([row('mx', jst('2014-12-03T10:00:00'), {}, Array(6).fill(1200))], 'inbound');
    expect(dayWindows(windows, measured, 0, new Date(), 'Asia/Tokyo', DEFAULT_LATE_MAIL)[0]!.maxDelayS).toBe(5400);
  });
});

describe('accounting', () => {
  const t0 = jst('2014-12-03T10:00:00').getTime();
  const at = (i: number) => new Date(t0 + i * 10_000);

  it('sums every source over the period, with the queue before and after it', () => {
    const rows = [
      row('a', at(-1), { queueDepth: 5 }),
      row('b', at(-1), { queueDepth: 1 }),
      row('a', at(0), { accepted: 10, delivered: 8, queueDepth: 7 }),
      row('b', at(0), { accepted: 4, delivered: 3, bounced: 1, queueDepth: 1 }),
      row('a', at(1), { accepted: 0, delivered: 7, queueDepth: 0 }),
      row('b', at(1), { accepted: 0, delivered: 1, queueDepth: 0 }),
    ];
    expect(accounting(rows, t0, t0 + 20_000)).toEqual({
      from: at(0),
      to: at(2),
      accepted: 14,
      delivered: 19,
      bounced: 1,
      queuedBefore: 6,
      queuedAfter: 0,
      missingWindows: 0,
      expectedWindows: 4,
    });
  });

  it('counts the windows a source did not report, and does not guess the queue it did not report', () => {
    const rows = [row('a', at(-1), { queueDepth: 5 }), row('a', at(0)), row('b', at(0)), row('a', at(1)), row('b', at(2))];
    const a = accounting(rows, t0, t0 + 30_000)!;
    expect(a.missingWindows).toBe(2); // a at 2, b at 1
    expect(a.expectedWindows).toBe(6);
    expect(a.queuedBefore).toBeNull(); // b said nothing about the window before
    expect(a.queuedAfter).toBeNull(); // nor a about the last
    expect(accounting([], t0, t0 + 30_000)).toBeNull();
  });
});

describe('defences from the MTA’s event log', () => {
  const event = (kind: string, actor: string, detail: Record<string, unknown>, at = '2014-12-03T01:00:00.000Z', reason: string | null = null) => ({ at, kind, actor, reason, detail });

  it('tells the breaker from staff, and keeps only defences', () => {
    expect(fromMtaEvent(event('scan_policy', 'auto', { from: 'auto', to: 'auto', bypassing: true }))).toMatchObject({ kind: 'scan_policy', action: 'skip', automatic: true });
    expect(fromMtaEvent(event('scan_policy', 'auto', { from: 'auto', to: 'auto', bypassing: false }))).toMatchObject({ action: 'resume', automatic: true });
    expect(fromMtaEvent(event('scan_policy', 'ops@example.com', { from: 'enabled', to: 'bypass', bypassing: true }, undefined, 'flood'))).toMatchObject({ action: 'bypass', automatic: false, reason: 'flood' });
    expect(fromMtaEvent(event('blocklist', 'auto', { action: 'add', kind: 'client', value: '192.0.2.5' }))).toMatchObject({ kind: 'blocklist', action: 'add', target: 'client', automatic: true });
    expect(fromMtaEvent(event('blocklist', 'expiry', { action: 'expire', kind: 'client' }))).toMatchObject({ action: 'expire', automatic: true });
    expect(fromMtaEvent(event('mailbox', 'ops@example.com', { action: 'add' }))).toBeNull();
  });

  it('merges a burst of the same change within a minute into one line with its count', () => {
    const adds = ['01:00:01', '01:00:20', '01:00:59', '01:01:05'].map((t) => fromMtaEvent(event('blocklist', 'auto', { action: 'add', kind: 'client' }, `2014-12-03T${t}.000Z`, 'too many messages'))!);
    const merged = mergeBursts(adds);
    expect(merged.map((d) => d.count)).toEqual([3, 1]);
    expect(merged[0]!.reason).toBe('too many messages');
  });
});

describe('where the time went', () => {
  const t0 = jst('2014-12-03T10:00:00').getTime();
  const at = (i: number) => new Date(t0 + i * 10_000);
  const stages = (queue: number | null, scan: number | null, deliver: number | null) => JSON.stringify({ receive: 0.01, queue, scan, deliver });

  it('takes the worst window of each stage, across sources, within the period only', () => {
    const rows = [
      row('a', at(-1), { stageP95: stages(9999, 1, 1) }), // before the period
      row('a', at(0), { stageP95: stages(120, 0.2, 0.05) }),
      row('b', at(0), { stageP95: stages(310, 0.3, null) }),
      row('a', at(1), { stageP95: stages(290, 0.25, 0.4) }),
      row('b', at(2), { stageP95: null }), // a sender without stages
    ];
    expect(stageMaxima(rows, t0, t0 + 30_000)).toEqual({ queue: 310, scan: 0.3, deliver: 0.4 });
  });

  it('says nothing rather than something wrong when no window carried stage times, or a row is unreadable', () => {
    expect(stageMaxima([row('a', at(0)), row('a', at(1), { stageP95: '{not json' })], t0, t0 + 20_000)).toBeNull();
  });
});
