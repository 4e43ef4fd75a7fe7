import { describe, expect, it } from 'vitest';
import { checkArrivalEstimate, type EstimateSample } from './arrival';

const FLOOD = Date.parse('2026-12-06T05:00:00Z');
const sample = (servedAfterFloodS: number, asOfS: number, backlog: number, delay: number | null): EstimateSample => ({
  servedAt: FLOOD + servedAfterFloodS * 1000,
  estimate: { as_of: new Date(FLOOD + asOfS * 1000).toISOString(), expected_delay_s: delay, no_estimate_reason: delay === null ? 'no_drain' : null, backlog_messages: backlog, text: 'いま送信されたメールは…' },
});

describe('the replay’s check of the arrival estimate', () => {
  // Legitimate mail accepted twice a second; it took 100 s plus 1 s per second into the flood.
  const legit = Array.from({ length: 120 }, (_, i) => ({ acceptedAt: FLOOD + i * 500 }));
  const delay = (m: { acceptedAt: number }) => 100 + (m.acceptedAt - FLOOD) / 1000;

  it('takes the estimate shown with the largest backlog and the median delay of mail accepted at its moment', () => {
    const samples = [sample(25, 20, 900, 80), sample(34, 30, 1500, 120), sample(35, 30, 1500, 120), sample(44, 40, 1200, 95)];
    const check = checkArrivalEstimate(samples, legit, delay, FLOOD)!;
    expect(check).toMatchObject({ samples: 4, at: 30, servedAfterS: 4, backlog: 1500, estimateS: 120, probes: 11 });
    // Accepted 27.5 … 32.5 s in: delays 127.5 … 132.5 s, median 130.
    expect(check.actualS).toBe(130);
    expect(check.errorPct).toBeCloseTo(((120 - 130) / 130) * 100, 6);
  });

  it('says "no estimate" as the API did, and nothing when the API never showed one', () => {
    const check = checkArrivalEstimate([sample(34, 30, 1500, null)], legit, delay, FLOOD)!;
    expect(check).toMatchObject({ estimateS: null, errorPct: null });
    expect(check.actualS).toBe(130);
    expect(checkArrivalEstimate([], legit, delay, FLOOD)).toBeNull();
  });

  it('leaves out mail that never arrived', () => {
    const check = checkArrivalEstimate([sample(34, 30, 1500, 120)], legit, () => null, FLOOD)!;
    expect(check).toMatchObject({ probes: 0, actualS: null, errorPct: null });
  });
});
