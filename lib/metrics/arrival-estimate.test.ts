import { describe, expect, it } from 'vitest';
import { estimateArrival, type InboundWindow } from './arrival-estimate';
import { arrivalEstimateText } from './arrival-text';

const T0 = Date.parse('2026-12-06T05:00:00Z'); // 14:00 in Tokyo

/** Six 10-second windows; `step(i)` gives each window's figures. */
function windows(step: (i: number) => Partial<InboundWindow>, count = 6): InboundWindow[] {
  return Array.from({ length: count }, (_, i) => ({ start: new Date(T0 + i * 10_000), seconds: 10, queueDepth: 0, accepted: 0, scanned: null, scanAhead: null, ...step(i) }));
}

describe('arrival estimate', () => {
  it('2014 setup (FIFO): mail sent now waits behind the whole scan queue at the rate the check manages', () => {
    // 90 spam + 3 legitimate messages a second in, 30 a second scanned: the queue grows by 63 a second.
    const flood = windows((i) => ({ accepted: 930, scanned: 300, queueDepth: 6000 + i * 630, scanAhead: 6000 + i * 630 }));
    const e = estimateArrival(flood);
    expect(e.basis).toBe('scan_queue');
    expect(e.asOf.toISOString()).toBe('2026-12-06T05:01:00.000Z');
    expect(e.backlog).toBe(9150);
    expect(e.delayS).toBe(Math.round(9150 / 30));
    // Still growing: when it clears cannot be said yet.
    expect(e.clearsAt).toBeNull();
    expect(e.arrivalsPerMinute).toBe(5580);
    expect(e.drainPerMinute).toBe(1800);
  });

  it("Tayori's fair queue: a new sender waits behind one message per sender, not behind the flood", () => {
    const flood = windows((i) => ({ accepted: 930, scanned: 300, queueDepth: 6000 + i * 630, scanAhead: 210 }));
    const e = estimateArrival(flood);
    expect(e.delayS).toBe(7);
    expect(e.backlog).toBe(9150);
  });

  it('measures the check’s pace only while mail waited for it, not while it idled before the flood', () => {
    // Three quiet windows (2 accepted and scanned each, nothing waiting), then the flood: 520 in,
    // 200 scanned a window. The minute's average (≈ 10 a second) would double the estimate.
    const forming = windows((i) => (i < 3 ? { accepted: 2, scanned: 2, queueDepth: 0, scanAhead: 0 } : { accepted: 520, scanned: 200, queueDepth: (i - 2) * 320, scanAhead: (i - 2) * 320 }));
    const e = estimateArrival(forming);
    expect(e.backlog).toBe(960);
    // Busy windows only (the last two): 20 scanned a second.
    expect(e.delayS).toBe(48);
    expect(e.drainPerMinute).toBe(1200);
    expect(e.clearsAt).toBeNull();
  });

  it('says when the backlog clears once it shrinks, from the rate it shrinks at', () => {
    // 3 a second in, 30 a second out: the queue shrinks by 27 a second.
    const draining = windows((i) => ({ accepted: 30, scanned: 300, queueDepth: 5400 - i * 270, scanAhead: 5400 - i * 270 }));
    const e = estimateArrival(draining);
    expect(e.backlog).toBe(4050);
    expect(e.delayS).toBe(135);
    expect(e.clearsAt!.toISOString()).toBe(new Date(T0 + 60_000 + (4050 / 27) * 1000).toISOString());
  });

  it('reads a sender without scan figures (Postfix logs) as one FIFO queue drained at the rate mail left it', () => {
    // 20 in and 12 waiting more per window: 8 left per window, 0.8 a second.
    const postfix = windows((i) => ({ accepted: 20, queueDepth: 400 + i * 12 }));
    const e = estimateArrival(postfix);
    expect(e.basis).toBe('whole_queue');
    expect(e.delayS).toBe(Math.round(460 / 0.8));
    expect(e.clearsAt).toBeNull();
  });

  it('gives no number while nothing drains, nor from a single window', () => {
    const stuck = estimateArrival(windows((i) => ({ accepted: 50, scanned: 0, queueDepth: 1000 + i * 50, scanAhead: 1000 + i * 50 })));
    expect(stuck).toMatchObject({ delayS: null, reason: 'no_drain', clearsAt: null, backlog: 1250 });
    const postfixStuck = estimateArrival(windows((i) => ({ accepted: 50, queueDepth: 1000 + i * 50 })));
    expect(postfixStuck).toMatchObject({ delayS: null, reason: 'no_drain' });
    expect(estimateArrival(windows(() => ({ queueDepth: 10, scanAhead: 10, scanned: 5 }), 1))).toMatchObject({ delayS: null, reason: 'not_enough_data' });
    expect(estimateArrival([])).toMatchObject({ delayS: null, reason: 'not_enough_data' });
  });

  it('uses the last minute only, and a source without scan figures in it makes the estimate read the whole queue', () => {
    const old = windows(() => ({ accepted: 0, scanned: 0, queueDepth: 99_999, scanAhead: 99_999 }), 3).map((w) => ({ ...w, start: new Date(w.start.getTime() - 600_000) }));
    const recent = windows((i) => ({ accepted: 100, scanned: i === 2 ? null : 150, queueDepth: 1000 - i * 50, scanAhead: 1000 - i * 50 }));
    const e = estimateArrival([...recent, ...old]);
    expect(e.basis).toBe('whole_queue');
    expect(e.backlog).toBe(750);
    expect(e.delayS).toBe(Math.round(750 / 15));
  });
});

describe('arrival estimate in words', () => {
  const view = (e: ReturnType<typeof estimateArrival>) => ({ asOf: e.asOf.toISOString(), delayS: e.delayS, reason: e.reason, clearsAt: e.clearsAt?.toISOString() ?? null, backlog: e.backlog });

  it('says minutes and the clock time in the site time zone, Japanese first', () => {
    const draining = estimateArrival(windows((i) => ({ accepted: 30, scanned: 300, queueDepth: 5400 - i * 270, scanAhead: 5400 - i * 270 })));
    // 4050 waiting, 27 a second fewer: clears 150 s after 14:01, at 14:03:30.
    expect(arrivalEstimateText('ja', view(draining), 'Asia/Tokyo')).toBe('いま送信されたメールは約2分後に届く見込みです。滞留は 14:03 ごろに解消する見込みです。');
    expect(arrivalEstimateText('en', view(draining), 'Asia/Tokyo')).toBe('Mail sent now is expected to arrive in about 2 minutes. The backlog should clear around 14:03.');
    expect(arrivalEstimateText('en', view(draining), 'UTC')).toContain('around 05:03.');
  });

  it('says a growing backlog and no estimate as such, with no number', () => {
    const growing = estimateArrival(windows((i) => ({ accepted: 930, scanned: 300, queueDepth: 6000 + i * 630, scanAhead: 6000 + i * 630 })));
    expect(arrivalEstimateText('ja', view(growing), 'Asia/Tokyo')).toBe('いま送信されたメールは約5分後に届く見込みです。滞留はまだ減っていないため、解消する時刻はまだ見積もれません。');
    const stuck = estimateArrival(windows((i) => ({ accepted: 50, scanned: 0, queueDepth: 1000 + i * 50, scanAhead: 1000 + i * 50 })));
    for (const lang of ['ja', 'en'] as const) expect(arrivalEstimateText(lang, view(stuck), 'Asia/Tokyo')).not.toMatch(/\d/);
    expect(arrivalEstimateText('en', view(stuck), 'Asia/Tokyo')).toBe('No estimate yet of when mail sent now will arrive: mail is not being processed at the moment.');
  });

  it('names the day when the backlog clears on another one', () => {
    const slow = estimateArrival(windows((i) => ({ accepted: 0, scanned: 1, queueDepth: 100_000 - i, scanAhead: 100_000 - i })));
    expect(arrivalEstimateText('ja', view(slow), 'Asia/Tokyo')).toMatch(/滞留は 2026年12月\d+日\(.\) \d\d:\d\d ごろに解消する見込みです。$/);
  });
});
