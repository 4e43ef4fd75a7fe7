import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DELAY_BUCKET_BOUNDS, rollupSchema } from '../../lib/metrics/rollup-schema';
import { PostfixLineParser } from './parser';
import { RollupBuilder, type RollupBody } from './rollups';

const FIXTURE = path.resolve(import.meta.dirname, '../../tests/fixtures/postfix/maillog-postfix-3.7.log');

function build(lines: string[], source = 'postfix@test'): RollupBody[] {
  const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
  const builder = new RollupBuilder(source);
  for (const line of lines) builder.add(parser.parse(line));
  return builder.takeComplete({ all: true });
}

const stamp = (t: number) => {
  const d = new Date(t);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const hms = d.toISOString().slice(11, 19);
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms}`;
};
const sent = (t: number, id: string, delay: number, a = 0, b = 0, c = 0, d = delay) =>
  `${stamp(t)} mx1 postfix/smtp[9]: ${id}: to=<u@x.test>, relay=mx[192.0.2.1]:25, delay=${delay}, delays=${a}/${b}/${c}/${d}, dsn=2.0.0, status=sent (250 ok)`;
const queued = (t: number, id: string) => `${stamp(t)} mx1 postfix/qmgr[8]: ${id}: from=<s@y.test>, size=100, nrcpt=1 (queue active)`;
const removed = (t: number, id: string) => `${stamp(t)} mx1 postfix/qmgr[8]: ${id}: removed`;
const T0 = Date.parse('2026-11-29T07:00:00Z');

// Independent of the code under test: the smallest value with at least p% of the values at or below it.
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  for (const v of sorted) if (sorted.filter((x) => x <= v).length / sorted.length >= p / 100) return v;
  throw new Error('unreachable');
}
function bucketCounts(values: number[]): number[] {
  const edges = [0, ...DELAY_BUCKET_BOUNDS, Infinity];
  return edges.slice(1).map((upper, i) => values.filter((v) => (i === 0 ? v >= 0 : v > edges[i]!) && v <= upper).length);
}

describe('rollups from the Postfix 3.7 fixture', () => {
  const rollups = build(readFileSync(FIXTURE, 'utf8').split('\n'));

  it('make one window, valid for the site, with the counts grep finds', () => {
    expect(rollups).toHaveLength(1);
    const r = rollups[0]!;
    expect(() => rollupSchema.parse(r)).not.toThrow();
    expect(r).toMatchObject({
      source: 'postfix@test',
      window_start: '2026-11-29T06:32:10.000Z',
      window_seconds: 10,
      delivered: 45,
      deferred: 1,
      bounced: 1,
      rejected: { unknown_recipient: 1 },
      // 46 messages came in over SMTP, plus one non-delivery notice Postfix wrote itself
      accepted: 47,
      scan_policy: 'enabled',
      scan_bypassing: false,
    });
  });

  it('has delay figures computed from the 45 sent delays', () => {
    // delay= of status=sent lines: 7 × 0, 25 × 0.01, 11 × 0.02, 1 × 0.03, 1 × 3
    const delays = [...Array(7).fill(0), ...Array(25).fill(0.01), ...Array(11).fill(0.02), 0.03, 3];
    const r = rollups[0]!;
    expect(r.delay_p50_s).toBe(nearestRank(delays, 50));
    expect(r.delay_p95_s).toBe(nearestRank(delays, 95));
    expect(r.delay_max_s).toBe(3);
    expect(r.delay_histogram.counts).toEqual(bucketCounts(delays));
    expect(r.delay_histogram.counts.slice(0, 2)).toEqual([44, 1]);
  });

  it('maps delays=a/b/c/d to the receive, queue and deliver stages', () => {
    // a: 11 × 0.01 … ; b: mostly 0; c+d: 0 except the slow relay's 3 s
    expect(rollups[0]!.stage_p95_s).toEqual({ receive: 0.02, queue: 0.01, scan: null, deliver: 0 });
  });

  it('reports the deferred message as still queued at the window end', () => {
    // 47 "queue active", 46 "removed": 49F83174641 (deferred at 06:32:11) is still in the queue at 06:32:20.
    expect(rollups[0]).toMatchObject({ queue_depth: 1, oldest_age_s: 9 });
  });
});

describe('percentiles and histogram', () => {
  it('equal the values computed from the raw delays, bucket edges included', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // Values on the bucket bounds, just above them, and beyond the last bound.
    const delays = [1, 1.01, 5, 5.01, 15, 30, 60, 7200, 7200.01, 9000, 0, 0.5];
    for (let i = 0; i < 188; i++) delays.push(Math.round(rand() ** 3 * 8000 * 100) / 100);
    const lines = delays.map((d, i) => sent(T0 + (i % 10) * 900, `A${String(i).padStart(9, '0')}`, d));
    const [r, ...rest] = build(lines);
    expect(rest).toHaveLength(0);
    expect(r!.delivered).toBe(200);
    expect(r!.delay_p50_s).toBe(nearestRank(delays, 50));
    expect(r!.delay_p95_s).toBe(nearestRank(delays, 95));
    expect(r!.delay_max_s).toBe(Math.max(...delays));
    expect(r!.delay_histogram.counts).toEqual(bucketCounts(delays));
    expect(r!.delay_histogram.counts[0]).toBe(delays.filter((d) => d <= 1).length);
    expect(r!.delay_histogram.counts.at(-1)).toBe(delays.filter((d) => d > 7200).length); // 7200.01, 9000 and a few random ones
    expect(r!.delay_histogram.counts[DELAY_BUCKET_BOUNDS.length - 1]).toBe(delays.filter((d) => d > 5400 && d <= 7200).length);
  });

  it('take stage p95s from each stage on its own', () => {
    const lines = Array.from({ length: 20 }, (_, i) => sent(T0, `B${String(i).padStart(9, '0')}`, 10 + i, i, 2 * i, 0.1, 0.2 * i));
    const r = build(lines)[0]!;
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = a.map((i) => 2 * i);
    const cd = a.map((i) => Math.round((0.1 + 0.2 * i) * 1000) / 1000);
    expect(r.stage_p95_s).toEqual({ receive: nearestRank(a, 95), queue: nearestRank(b, 95), scan: null, deliver: nearestRank(cd, 95) });
  });

  it('leave delay figures empty for a window with no deliveries', () => {
    const r = build([`${stamp(T0)} mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 554 5.7.1 <a@b>: Relay access denied; from=<s@y> to=<a@b> proto=ESMTP helo=<h>`])[0]!;
    expect(r).toMatchObject({ delivered: 0, delay_p50_s: null, delay_p95_s: null, delay_max_s: null, rejected: { relay_denied: 1 } });
    expect(r.delay_histogram.counts.every((c) => c === 0)).toBe(true);
    expect(() => rollupSchema.parse(r)).not.toThrow();
  });
});

describe('windows and the queue', () => {
  it('put each event in the aligned 10-second window of its timestamp', () => {
    const rollups = build([sent(T0 + 1000, 'C000000001', 1), sent(T0 + 9999, 'C000000002', 2), sent(T0 + 10_000, 'C000000003', 3), sent(T0 + 35_000, 'C000000004', 4)]);
    expect(rollups.map((r) => [r.window_start, r.delivered])).toEqual([
      ['2026-11-29T07:00:00.000Z', 2],
      ['2026-11-29T07:00:10.000Z', 1],
      ['2026-11-29T07:00:30.000Z', 1],
    ]);
    for (const r of rollups) expect(Date.parse(r.window_start) % 10_000).toBe(0);
  });

  it('estimate queue depth and the oldest age at each window end', () => {
    const rollups = build([
      queued(T0 + 1000, 'D000000001'),
      queued(T0 + 4000, 'D000000002'),
      queued(T0 + 12_000, 'D000000003'),
      removed(T0 + 13_000, 'D000000001'),
      removed(T0 + 25_000, 'D000000002'),
      removed(T0 + 26_000, 'D000000003'),
    ]);
    expect(rollups.map((r) => [r.queue_depth, r.oldest_age_s])).toEqual([
      [2, 9], // at 07:00:10: D1 (since :01) and D2
      [2, 16], // at 07:00:20: D2 (since :04) and D3
      [0, 0],
    ]);
  });

  it('hand out only windows that have ended before the newest line by the grace period', () => {
    const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
    const builder = new RollupBuilder('postfix@test');
    builder.add(parser.parse(sent(T0 + 1000, 'E000000001', 1)));
    builder.add(parser.parse(sent(T0 + 15_000, 'E000000002', 1)));
    expect(builder.takeComplete({ graceMs: 10_000 })).toHaveLength(0);
    builder.add(parser.parse(sent(T0 + 20_000, 'E000000003', 1)));
    expect(builder.takeComplete({ graceMs: 10_000 }).map((r) => r.window_start)).toEqual(['2026-11-29T07:00:00.000Z']);
    // A straggler for the window already handed out is counted as late, not sent twice.
    builder.add(parser.parse(sent(T0 + 2000, 'E000000004', 1)));
    expect(builder.counters.late).toBe(1);
    expect(builder.takeComplete({ all: true }).map((r) => [r.window_start, r.delivered])).toEqual([
      ['2026-11-29T07:00:10.000Z', 1],
      ['2026-11-29T07:00:20.000Z', 1],
    ]);
  });

  it('count each accepted message once, however many lines mention it', () => {
    const r = build([
      `${stamp(T0)} mx1 postfix/smtpd[1]: F000000001: client=a[192.0.2.1]`,
      `${stamp(T0)} mx1 postfix/cleanup[2]: F000000001: message-id=<1@a>`,
      `${stamp(T0)} mx1 postfix/pickup[3]: F000000002: uid=1000 from=<me>`,
      `${stamp(T0)} mx1 postfix/cleanup[2]: F000000002: message-id=<2@a>`,
    ])[0]!;
    expect(r.accepted).toBe(2);
  });
});
