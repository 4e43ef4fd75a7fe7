import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DELAY_BUCKET_BOUNDS, rollupSchema } from '#contracts/rollup-schema';
import { parseNextHopRule } from './flows';
import { PostfixLineParser } from './parser';
import { RollupBuilder, type RollupBody, type RollupOptions } from './rollups';

const FIXTURE = path.resolve(import.meta.dirname, '../../tests/fixtures/postfix/maillog-postfix-3.7.log');

function build(lines: string[], source = 'postfix@test', options: RollupOptions = {}): RollupBody[] {
  const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
  const builder = new RollupBuilder(source, options);
  for (const line of lines) builder.add(parser.parse(line));
  return builder.takeComplete({ all: true });
}

interface Window {
  window_start: string;
  inbound: RollupBody;
  outbound: RollupBody;
  /** What one rollup per window said before flows: the two flows' sums (the larger age and delay). */
  total: { delivered: number; deferred: number; bounced: number; accepted: number; rejected: Record<string, number>; queue_depth: number; oldest_age_s: number; delay_max_s: number | null; delay_histogram: number[] };
}

/** The rollups by window; every window must have exactly one rollup per flow. */
function byWindow(rollups: RollupBody[]): Window[] {
  const starts = [...new Set(rollups.map((r) => r.window_start))];
  return starts.map((window_start) => {
    const of = rollups.filter((r) => r.window_start === window_start);
    expect(of.map((r) => r.flow)).toEqual(['inbound', 'outbound']);
    const [inbound, outbound] = of as [RollupBody, RollupBody];
    const rejected: Record<string, number> = {};
    for (const r of of) for (const [k, v] of Object.entries(r.rejected ?? {})) rejected[k] = (rejected[k] ?? 0) + v;
    const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
    return {
      window_start,
      inbound,
      outbound,
      total: {
        delivered: inbound.delivered + outbound.delivered,
        deferred: (inbound.deferred ?? 0) + (outbound.deferred ?? 0),
        bounced: (inbound.bounced ?? 0) + (outbound.bounced ?? 0),
        accepted: (inbound.accepted ?? 0) + (outbound.accepted ?? 0),
        rejected,
        queue_depth: inbound.queue_depth + outbound.queue_depth,
        oldest_age_s: Math.max(inbound.oldest_age_s, outbound.oldest_age_s),
        delay_max_s: maxOf(inbound.delay_max_s, outbound.delay_max_s),
        delay_histogram: inbound.delay_histogram.counts.map((c, i) => c + outbound.delay_histogram.counts[i]!),
      },
    };
  });
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
  const windows = byWindow(rollups);

  it('make one window, two rollups valid for the site, with the counts grep finds', () => {
    expect(windows).toHaveLength(1);
    for (const r of rollups) expect(() => rollupSchema.parse(r)).not.toThrow();
    const w = windows[0]!;
    expect(w.window_start).toBe('2026-11-29T06:32:10.000Z');
    for (const r of rollups) expect(r).toMatchObject({ source: 'postfix@test', window_seconds: 10, scan_policy: 'enabled', scan_bypassing: false });
    expect(w.total).toMatchObject({
      delivered: 45,
      deferred: 1,
      bounced: 1,
      rejected: { unknown_recipient: 1 },
      // 46 messages came in over SMTP, plus one non-delivery notice Postfix wrote itself
      accepted: 47,
    });
  });

  it('split them by delivery agent: discard is inbound, smtp outbound', () => {
    // grep -c 'postfix/discard.*status=sent' → 44, 'postfix/smtp\[.*status=sent' → 1; the
    // deferral (tempfail.test) and the bounce (bounce.test) are smtp's.
    const { inbound, outbound } = windows[0]!;
    expect(inbound).toMatchObject({ delivered: 44, deferred: 0, bounced: 0, rejected: { unknown_recipient: 1 }, accepted: 46 });
    // The non-delivery notice has no client= line: Postfix's own mail counts as outbound when accepted.
    expect(outbound).toMatchObject({ delivered: 1, deferred: 1, bounced: 1, rejected: {}, accepted: 1 });
  });

  it('has delay figures computed from the 45 sent delays', () => {
    // delay= of status=sent lines: 7 × 0, 25 × 0.01, 11 × 0.02, 1 × 0.03 (discard), 1 × 3 (smtp)
    const inboundDelays = [...Array(7).fill(0), ...Array(25).fill(0.01), ...Array(11).fill(0.02), 0.03];
    const delays = [...inboundDelays, 3];
    const { inbound, outbound, total } = windows[0]!;
    expect(inbound.delay_p50_s).toBe(nearestRank(inboundDelays, 50));
    expect(inbound.delay_p95_s).toBe(nearestRank(inboundDelays, 95));
    expect(inbound.delay_max_s).toBe(0.03);
    expect(outbound).toMatchObject({ delay_p50_s: 3, delay_p95_s: 3, delay_max_s: 3 });
    expect(total.delay_max_s).toBe(3);
    expect(inbound.delay_histogram.counts).toEqual(bucketCounts(inboundDelays));
    expect(total.delay_histogram).toEqual(bucketCounts(delays));
    expect(total.delay_histogram.slice(0, 2)).toEqual([44, 1]);
  });

  it('maps delays=a/b/c/d to the receive, queue and deliver stages', () => {
    // a: 11 × 0.01 … ; b: mostly 0; c+d: 0 except the slow relay's 3 s
    expect(windows[0]!.inbound.stage_p95_s).toEqual({ receive: 0.02, queue: 0.01, scan: null, deliver: 0 });
    expect(windows[0]!.outbound.stage_p95_s).toEqual({ receive: 0, queue: 0, scan: null, deliver: 3 });
  });

  it('reports the deferred message as still queued at the window end, in outbound', () => {
    // 47 "queue active", 46 "removed": 49F83174641 (deferred at 06:32:11) is still in the queue at 06:32:20.
    const { inbound, outbound, total } = windows[0]!;
    expect(total).toMatchObject({ queue_depth: 1, oldest_age_s: 9 });
    expect(outbound).toMatchObject({ queue_depth: 1, oldest_age_s: 9 });
    expect(inbound).toMatchObject({ queue_depth: 0, oldest_age_s: 0, top_destinations: [] });
    expect(outbound.waiting_histogram).toEqual(bucketCounts([9]));
    expect(outbound.top_destinations).toEqual([
      { domain: 'tempfail.test', waiting: 1, oldest_age_s: 9, last_error: 'host 127.0.0.1[127.0.0.1] said: 450 4.3.0 Error: command failed (in reply to end of DATA command)' },
    ]);
  });

  it('counts each flow\'s destinations of the last 10 minutes once, by the age of their oldest waiting mail', () => {
    const { inbound, outbound } = windows[0]!;
    // outbound: tempfail.test waits 9 s; bounce.test and slow.test had mail and wait for nothing.
    expect(outbound.destination_histogram).toEqual(bucketCounts([9, 0, 0]));
    // inbound: customer.test, ok.test and example.org, nothing waiting.
    expect(inbound.destination_histogram).toEqual(bucketCounts([0, 0, 0]));
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
    const [w, ...rest] = byWindow(build(lines));
    expect(rest).toHaveLength(0);
    expect(w!.inbound.delivered).toBe(0); // postfix/smtp: all outbound
    const r = w!.outbound;
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
    const r = byWindow(build(lines))[0]!.outbound;
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = a.map((i) => 2 * i);
    const cd = a.map((i) => Math.round((0.1 + 0.2 * i) * 1000) / 1000);
    expect(r.stage_p95_s).toEqual({ receive: nearestRank(a, 95), queue: nearestRank(b, 95), scan: null, deliver: nearestRank(cd, 95) });
  });

  it('leave delay figures empty for a window with no deliveries', () => {
    const rollups = build([`${stamp(T0)} mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 554 5.7.1 <a@b>: Relay access denied; from=<s@y> to=<a@b> proto=ESMTP helo=<h>`]);
    const { inbound, outbound } = byWindow(rollups)[0]!;
    // Refusals happen at the door: inbound's.
    expect(inbound).toMatchObject({ delivered: 0, delay_p50_s: null, delay_p95_s: null, delay_max_s: null, rejected: { relay_denied: 1 } });
    expect(outbound).toMatchObject({ delivered: 0, delay_p50_s: null, delay_p95_s: null, delay_max_s: null, rejected: {} });
    for (const r of rollups) {
      expect(r.delay_histogram.counts.every((c) => c === 0)).toBe(true);
      expect(() => rollupSchema.parse(r)).not.toThrow();
    }
  });
});

describe('windows and the queue', () => {
  it('put each event in the aligned 10-second window of its timestamp', () => {
    const rollups = build([sent(T0 + 1000, 'C000000001', 1), sent(T0 + 9999, 'C000000002', 2), sent(T0 + 10_000, 'C000000003', 3), sent(T0 + 35_000, 'C000000004', 4)]);
    expect(byWindow(rollups).map((w) => [w.window_start, w.total.delivered])).toEqual([
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
    const windows = byWindow(rollups);
    expect(windows.map((w) => [w.total.queue_depth, w.total.oldest_age_s])).toEqual([
      [2, 9], // at 07:00:10: D1 (since :01) and D2
      [2, 16], // at 07:00:20: D2 (since :04) and D3
      [0, 0],
    ]);
    // Never tried yet, so of no known flow: --waiting-flow's (inbound by default).
    expect(windows.map((w) => w.outbound.queue_depth)).toEqual([0, 0, 0]);
  });

  it('hand out only windows that have ended before the newest line by the grace period', () => {
    const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
    const builder = new RollupBuilder('postfix@test');
    builder.add(parser.parse(sent(T0 + 1000, 'E000000001', 1)));
    builder.add(parser.parse(sent(T0 + 15_000, 'E000000002', 1)));
    expect(builder.takeComplete({ graceMs: 10_000 })).toHaveLength(0);
    builder.add(parser.parse(sent(T0 + 20_000, 'E000000003', 1)));
    expect(byWindow(builder.takeComplete({ graceMs: 10_000 })).map((w) => w.window_start)).toEqual(['2026-11-29T07:00:00.000Z']);
    // A straggler for the window already handed out is counted as late, not sent twice.
    builder.add(parser.parse(sent(T0 + 2000, 'E000000004', 1)));
    expect(builder.counters.late).toBe(1);
    expect(byWindow(builder.takeComplete({ all: true })).map((w) => [w.window_start, w.total.delivered])).toEqual([
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
    ]);
    expect(byWindow(r)[0]!.total.accepted).toBe(2);
    // From an SMTP client without a login: --waiting-flow's (inbound); a local submission: outbound.
    expect(byWindow(r)[0]!.inbound.accepted).toBe(1);
    expect(byWindow(r)[0]!.outbound.accepted).toBe(1);
  });
});

// Lines as Postfix 3.7 writes them, for the flow tests.
const qid = (n: number) => `C${n.toString(16).toUpperCase().padStart(9, '0')}`;
const smtpClient = (t: number, id: string, login?: string) => `${stamp(t)} mx1 postfix/smtpd[1]: ${id}: client=c.example[192.0.2.9]${login ? `, sasl_method=PLAIN, sasl_username=${login}` : ''}`;
const pickup = (t: number, id: string) => `${stamp(t)} mx1 postfix/pickup[2]: ${id}: uid=33 from=<www-data>`;
const active = (t: number, id: string, nrcpt = 1) => `${stamp(t)} mx1 postfix/qmgr[8]: ${id}: from=<s@y.test>, size=100, nrcpt=${nrcpt} (queue active)`;
const RELAY: Record<string, string> = { local: 'local', virtual: 'virtual', lmtp: 'mail.hosted.test[private/dovecot-lmtp]', pipe: 'dovecot', discard: 'none', error: 'none', retry: 'none' };
function delivery(t: number, id: string, agent: string, to: string, status: 'sent' | 'deferred' | 'bounced', delay = 1, o: { relay?: string; detail?: string; tag?: string } = {}) {
  const relay = o.relay ?? RELAY[agent] ?? `mx.${to.split('@')[1]}[192.0.2.25]:25`;
  const dsn = status === 'sent' ? '2.0.0' : status === 'deferred' ? '4.4.1' : '5.1.1';
  const detail = o.detail ?? (status === 'sent' ? '250 2.0.0 Ok' : status === 'deferred' ? `connect to ${relay}: Connection timed out` : 'host said: 550 5.1.1 User unknown');
  return `${stamp(t)} mx1 ${o.tag ?? `postfix/${agent}`}[7]: ${id}: to=<${to}>, relay=${relay}, delay=${delay}, delays=0/0/0/${delay}, dsn=${dsn}, status=${status} (${detail})`;
}
const gone = (t: number, id: string) => removed(t, id);
const sum = (counts: readonly number[] | undefined) => (counts ?? []).reduce((a, b) => a + b, 0);

describe('flows', () => {
  it('put deliveries by local, virtual, lmtp, pipe and discard in inbound, by smtp and the relay transport in outbound', () => {
    const lines: string[] = [];
    let n = 0;
    for (const agent of ['local', 'virtual', 'lmtp', 'pipe', 'discard']) lines.push(delivery(T0, qid(++n), agent, `${agent}@hosted.test`, 'sent', 0.5));
    lines.push(delivery(T0, qid(++n), 'smtp', 'x@remote.test', 'sent', 2));
    lines.push(delivery(T0, qid(++n), 'relay', 'y@remote.test', 'sent', 2, { tag: 'postfix/relay' }));
    // Debian's master.cf: relay … smtp -o syslog_name=postfix/$service_name
    lines.push(delivery(T0, qid(++n), 'smtp', 'z@remote.test', 'sent', 2, { tag: 'postfix/relay/smtp' }));
    const [w] = byWindow(build(lines));
    expect(w!.inbound).toMatchObject({ delivered: 5, delay_max_s: 0.5 });
    expect(w!.outbound).toMatchObject({ delivered: 3, delay_max_s: 2 });
  });

  it('put the error and retry agents\' lines in the flow the message came in as, else --waiting-flow', () => {
    const lines = [
      smtpClient(T0, qid(1)), // an SMTP client without a login: --waiting-flow
      delivery(T0, qid(1), 'error', 'gone@hosted.test', 'bounced'),
      smtpClient(T0, qid(2), 'customer@hosted.test'), // a customer's submission: outbound
      delivery(T0, qid(2), 'error', 'x@blocked.test', 'bounced'),
      pickup(T0, qid(3)), // a local submission: outbound
      delivery(T0, qid(3), 'retry', 'y@later.test', 'deferred'),
    ];
    const asMx = byWindow(build(lines))[0]!;
    expect(asMx.inbound).toMatchObject({ bounced: 1, deferred: 0, accepted: 1 });
    expect(asMx.outbound).toMatchObject({ bounced: 1, deferred: 1, accepted: 2 });
    const asRelayHost = byWindow(build(lines, 'postfix@test', { waitingFlow: 'outbound' }))[0]!;
    expect(asRelayHost.inbound).toMatchObject({ bounced: 0, deferred: 0, accepted: 0 });
    expect(asRelayHost.outbound).toMatchObject({ bounced: 2, deferred: 1, accepted: 3 });
  });

  it('follow --next-hop: mailbox servers reached over SMTP are inbound, a content filter hop is no delivery', () => {
    const nextHops = [parseNextHopRule('mailstore.hosted.test=inbound'), parseNextHopRule('127.0.0.1:10024=filter')];
    const lines = [
      smtpClient(T0, qid(1)),
      active(T0, qid(1)),
      delivery(T0, qid(1), 'smtp', 'u@hosted.test', 'sent', 0.2, { relay: '127.0.0.1[127.0.0.1]:10024' }),
      gone(T0, qid(1)),
      // the filter hands the message back over SMTP: a new queue id
      smtpClient(T0 + 1000, qid(2)),
      active(T0 + 1000, qid(2)),
      delivery(T0 + 1000, qid(2), 'smtp', 'u@hosted.test', 'sent', 0.3, { relay: 'mailstore.hosted.test[10.0.0.5]:25' }),
      gone(T0 + 1000, qid(2)),
      // mail for elsewhere still leaves by smtp
      delivery(T0 + 2000, qid(3), 'smtp', 'v@remote.test', 'sent', 0.4),
      // the filter is overloaded: the message waits, in the flow it came in as
      smtpClient(T0 + 3000, qid(4)),
      active(T0 + 3000, qid(4)),
      delivery(T0 + 3000, qid(4), 'smtp', 'w@hosted.test', 'deferred', 0.1, { relay: '127.0.0.1[127.0.0.1]:10024', detail: 'lost connection with 127.0.0.1[127.0.0.1] while sending end of data' }),
    ];
    const [w] = byWindow(build(lines, 'postfix@test', { nextHops }));
    expect(w!.inbound).toMatchObject({ delivered: 1, delay_max_s: 0.3, deferred: 1, queue_depth: 1, top_destinations: [] });
    expect(w!.outbound).toMatchObject({ delivered: 1, delay_max_s: 0.4, deferred: 0, queue_depth: 0 });
    // Without the rules the filter hop and the mailbox server both look like mail leaving.
    const [plain] = byWindow(build(lines));
    expect(plain!.outbound).toMatchObject({ delivered: 3, deferred: 1, queue_depth: 1 });
  });

  it('count a message with recipients in both flows once in each, when that flow\'s recipients are done', () => {
    const id = qid(1);
    const rollups = build([
      smtpClient(T0, id),
      active(T0, id, 4),
      delivery(T0 + 1000, id, 'local', 'a@hosted.test', 'sent', 1),
      delivery(T0 + 1000, id, 'local', 'b@hosted.test', 'sent', 1.5),
      delivery(T0 + 2000, id, 'smtp', 'c@remote.test', 'sent', 2),
      delivery(T0 + 2000, id, 'smtp', 'd@far.test', 'deferred', 2, { detail: 'connect to mx.far.test[192.0.2.25]:25: Connection timed out' }),
      // the retry, five minutes later
      active(T0 + 300_000, id, 4),
      delivery(T0 + 300_000, id, 'smtp', 'd@far.test', 'sent', 300),
      gone(T0 + 300_000, id),
    ]);
    const [first, retry] = byWindow(rollups);
    // Two local recipients are one message delivered, with the later one's delay.
    expect(first!.inbound).toMatchObject({ delivered: 1, delay_max_s: 1.5, deferred: 0, accepted: 1, queue_depth: 0 });
    // c was delivered, d waits: not delivered yet for outbound, deferred once.
    expect(first!.outbound).toMatchObject({ delivered: 0, deferred: 1, queue_depth: 1, oldest_age_s: 10 });
    expect(first!.outbound.top_destinations).toEqual([{ domain: 'far.test', waiting: 1, oldest_age_s: 10, last_error: 'connect to mx.far.test[192.0.2.25]:25: Connection timed out' }]);
    expect(retry!.window_start).toBe('2026-11-29T07:05:00.000Z');
    expect(retry!.outbound).toMatchObject({ delivered: 1, delay_max_s: 300, deferred: 0, queue_depth: 0, top_destinations: [] });
    expect(retry!.inbound).toMatchObject({ delivered: 0, queue_depth: 0 });
  });

  it('count a flow of a message delivered when qmgr removes it, if its recipients could not all be told apart', () => {
    // Three recipients in the queue file, two of which local(8) delivered to the same address
    // through an alias: only two addresses are ever seen, so only "removed" says it is done.
    const id = qid(1);
    const [w] = byWindow(
      build([active(T0, id, 3), delivery(T0, id, 'local', 'a@hosted.test', 'sent', 1), delivery(T0 + 1000, id, 'local', 'b@hosted.test', 'sent', 2), delivery(T0 + 1000, id, 'local', 'b@hosted.test', 'sent', 2), gone(T0 + 2000, id)]),
    );
    expect(w!.inbound).toMatchObject({ delivered: 1, delay_max_s: 2, queue_depth: 0 });
  });

  it('show a remote domain that has deferred for 10 minutes in outbound\'s destinations, not in inbound\'s', () => {
    const stuck = qid(1);
    const lines = [
      pickup(T0, stuck),
      active(T0, stuck),
      delivery(T0, stuck, 'smtp', 'x@stuck.test', 'deferred', 0.1, { relay: 'stuck.test', detail: 'connect to stuck.test[192.0.2.50]:25: Connection timed out' }),
      // another domain, 10 min 9 s before the window's end: no longer "lately"
      active(T0 + 1000, qid(2)),
      delivery(T0 + 1000, qid(2), 'smtp', 'y@old.test', 'sent', 0.5),
      gone(T0 + 1000, qid(2)),
      active(T0 + 300_000, stuck),
      delivery(T0 + 300_000, stuck, 'smtp', 'x@stuck.test', 'deferred', 300, { relay: 'stuck.test', detail: 'connect to stuck.test[192.0.2.50]:25: Connection refused' }),
      active(T0 + 400_000, qid(3)),
      delivery(T0 + 400_000, qid(3), 'lmtp', 'u@hosted.test', 'sent', 0.2),
      gone(T0 + 400_000, qid(3)),
      active(T0 + 400_000, qid(4)),
      delivery(T0 + 400_000, qid(4), 'smtp', 'z@fresh.test', 'sent', 0.3),
      gone(T0 + 400_000, qid(4)),
      active(T0 + 600_000, stuck),
      delivery(T0 + 600_000, stuck, 'smtp', 'x@stuck.test', 'deferred', 600, { relay: 'mx.stuck.test[192.0.2.50]:25', detail: 'host mx.stuck.test[192.0.2.50] said: 421 4.7.0 Try again later (in reply to MAIL FROM command)' }),
    ];
    const windows = byWindow(build(lines));
    const last = windows.at(-1)!;
    expect(last.window_start).toBe('2026-11-29T07:10:00.000Z');
    expect(last.outbound).toMatchObject({ deferred: 1, queue_depth: 1, oldest_age_s: 610 });
    expect(last.outbound.top_destinations).toEqual([{ domain: 'stuck.test', waiting: 1, oldest_age_s: 610, last_error: 'host mx.stuck.test[192.0.2.50] said: 421 4.7.0 Try again later (in reply to MAIL FROM command)' }]);
    // stuck.test at 610 s; fresh.test (6 min ago) with nothing waiting; old.test is past the 10 minutes.
    expect(last.outbound.destination_histogram).toEqual(bucketCounts([610, 0]));
    expect(last.inbound).toMatchObject({ queue_depth: 0, oldest_age_s: 0, top_destinations: [] });
    expect(last.inbound.destination_histogram).toEqual(bucketCounts([0])); // hosted.test
    // Five minutes in, old.test still counted among the destinations of the last 10 minutes.
    const fiveMinutes = windows.find((w) => w.window_start === '2026-11-29T07:05:00.000Z')!;
    expect(fiveMinutes.outbound.destination_histogram).toEqual(bucketCounts([310, 0]));
    expect(fiveMinutes.outbound.top_destinations![0]).toMatchObject({ domain: 'stuck.test', last_error: 'connect to stuck.test[192.0.2.50]:25: Connection refused' });
  });

  it('count mail queued before any delivery attempt in --waiting-flow, and mail submitted with a login in outbound', () => {
    const lines = [smtpClient(T0, qid(1)), active(T0, qid(1)), smtpClient(T0 + 2000, qid(2), 'customer@hosted.test'), active(T0 + 2000, qid(2))];
    const asMx = byWindow(build(lines))[0]!;
    expect(asMx.inbound).toMatchObject({ accepted: 1, queue_depth: 1, oldest_age_s: 10, waiting_histogram: bucketCounts([10]) });
    expect(asMx.outbound).toMatchObject({ accepted: 1, queue_depth: 1, oldest_age_s: 8, waiting_histogram: bucketCounts([8]) });
    const asRelayHost = byWindow(build(lines, 'postfix@test', { waitingFlow: 'outbound' }))[0]!;
    expect(asRelayHost.inbound).toMatchObject({ accepted: 0, queue_depth: 0, oldest_age_s: 0 });
    expect(asRelayHost.outbound).toMatchObject({ accepted: 2, queue_depth: 2, oldest_age_s: 10, waiting_histogram: bucketCounts([10, 8]) });
  });

  it('give every window both flows, the one without mail included', () => {
    const onlyOutbound = byWindow(build([delivery(T0, qid(1), 'smtp', 'x@remote.test', 'sent', 1)]));
    const onlyQueueLine = byWindow(build([gone(T0, qid(1))]));
    for (const w of [...onlyOutbound, ...onlyQueueLine]) {
      for (const r of [w.inbound, w.outbound]) expect(() => rollupSchema.parse(r)).not.toThrow();
    }
    expect(onlyOutbound[0]!.inbound).toMatchObject({ delivered: 0, deferred: 0, bounced: 0, accepted: 0, queue_depth: 0, delay_p95_s: null, top_destinations: [] });
    expect(onlyOutbound[0]!.inbound.waiting_histogram).toEqual(bucketCounts([]));
    expect(onlyOutbound[0]!.inbound.destination_histogram).toEqual(bucketCounts([]));
    expect(onlyQueueLine[0]!.outbound).toMatchObject({ delivered: 0, queue_depth: 0 });
  });

  it('have waiting histograms that add up to queue_depth and hold the ages of the queued messages', () => {
    // 400 single-recipient messages over 20 minutes, to hosted and remote domains; a third are
    // deferred at first and delivered minutes later; a few are never tried.
    let seed = 11;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const events: { t: number; line: string }[] = [];
    const queuedSpans: { from: number; to: number }[] = [];
    for (let i = 0; i < 400; i++) {
      const id = qid(i + 1);
      const t = T0 + Math.floor(rand() * 1200) * 1000;
      const inbound = rand() < 0.5;
      const agent = inbound ? 'virtual' : 'smtp';
      const to = `u${i}@${inbound ? 'hosted' : 'remote'}${i % 7}.test`;
      events.push({ t, line: smtpClient(t, id) }, { t, line: active(t, id) });
      const fate = rand();
      let end = Infinity;
      if (fate < 0.05) {
        // never tried: waits in --waiting-flow
      } else if (fate < 0.35) {
        const retryAt = t + (60 + Math.floor(rand() * 600)) * 1000;
        events.push({ t: t + 1000, line: delivery(t + 1000, id, agent, to, 'deferred', 1) });
        events.push({ t: retryAt, line: active(retryAt, id) }, { t: retryAt, line: delivery(retryAt, id, agent, to, 'sent', (retryAt - t) / 1000) }, { t: retryAt, line: gone(retryAt, id) });
        end = retryAt;
      } else {
        events.push({ t: t + 1000, line: delivery(t + 1000, id, agent, to, 'sent', 1) }, { t: t + 1000, line: gone(t + 1000, id) });
        end = t + 1000;
      }
      queuedSpans.push({ from: t, to: end });
    }
    events.sort((a, b) => a.t - b.t);
    const windows = byWindow(build(events.map((e) => e.line)));
    expect(windows.length).toBeGreaterThan(100);
    expect(windows.some((w) => w.inbound.queue_depth > 1 && w.outbound.queue_depth > 1 && w.outbound.top_destinations!.length > 1)).toBe(true);
    for (const w of windows) {
      for (const r of [w.inbound, w.outbound]) {
        expect(sum(r.waiting_histogram)).toBe(r.queue_depth);
        expect(sum(r.destination_histogram)).toBeGreaterThanOrEqual(r.top_destinations!.length);
        expect(r.top_destinations!.length).toBeLessThanOrEqual(10);
        expect(() => rollupSchema.parse(r)).not.toThrow();
      }
      // Each message has one recipient, so it waits in one flow: together the flows hold every
      // queued message's age. A line stamped with the window's end belongs to the next window.
      const end = Date.parse(w.window_start) + 10_000;
      const ages = queuedSpans.filter((s) => s.from < end && s.to >= end).map((s) => (end - s.from) / 1000);
      expect(w.inbound.waiting_histogram!.map((c, i) => c + w.outbound.waiting_histogram![i]!)).toEqual(bucketCounts(ages));
    }
  });
});
