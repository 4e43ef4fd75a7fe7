// The Postfix shipper's inbound rollups carry the same per-domain figures as the bundled MTA's:
// both go through contracts/rollup-builder.ts, fed here from log lines and there from the pipeline.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlowWindow, QueueTally } from '#contracts/rollup-builder';
import { rollupSchema } from '#contracts/rollup-schema';
import { parseOptions } from './options';
import { PostfixLineParser } from './parser';
import { RollupBuilder, type RollupBody, type RollupOptions } from './rollups';

const FIXTURE = path.resolve(import.meta.dirname, '../../tests/fixtures/postfix/maillog-postfix-3.7.log');

function build(lines: string[], options: RollupOptions = {}): RollupBody[] {
  const parser = new PostfixLineParser({ year: 2026, timeZone: 'UTC' });
  const builder = new RollupBuilder('postfix@test', options);
  for (const line of lines) builder.add(parser.parse(line));
  return builder.takeComplete({ all: true });
}

const stamp = (t: number) => {
  const d = new Date(t);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
};
const qid = (n: number) => `D${n.toString(16).toUpperCase().padStart(9, '0')}`;
const client = (t: number, id: string) => `${stamp(t)} mx1 postfix/smtpd[1]: ${id}: client=c.example[192.0.2.9]`;
const active = (t: number, id: string, nrcpt = 1) => `${stamp(t)} mx1 postfix/qmgr[8]: ${id}: from=<s@y.test>, size=100, nrcpt=${nrcpt} (queue active)`;
const removed = (t: number, id: string) => `${stamp(t)} mx1 postfix/qmgr[8]: ${id}: removed`;
const virtual = (t: number, id: string, to: string, status: 'sent' | 'deferred', delay: number) =>
  `${stamp(t)} mx1 postfix/virtual[7]: ${id}: to=<${to}>, relay=virtual, delay=${delay}, delays=0/0/0/${delay}, dsn=${status === 'sent' ? '2.0.0' : '4.2.0'}, status=${status} (${status === 'sent' ? 'delivered to maildir' : 'mailbox busy'})`;
const T0 = Date.parse('2026-12-06T09:00:00Z');

describe('per-domain figures from a Postfix log', () => {
  it('the 3.7 fixture: one entry per hosted domain, counts as grep finds them, none outbound', () => {
    // grep 'postfix/discard.*status=sent' | domains: 41 × ok.test, 2 × customer.test, 1 × example.org
    const [inbound, outbound] = build(readFileSync(FIXTURE, 'utf8').split('\n'));
    expect(inbound!.flow).toBe('inbound');
    expect(rollupSchema.safeParse(inbound).success).toBe(true);
    expect(inbound!.domains!.map((d) => [d.domain, d.delivered])).toEqual([
      ['ok.test', 41],
      ['customer.test', 2],
      ['example.org', 1],
    ]);
    expect(inbound!.domains!.every((d) => d.waiting === 0 && d.delay_max_s !== null && d.delay_max_s <= 0.03)).toBe(true);
    expect(outbound!.domains).toBeUndefined();
  });

  it('a slowed domain: the same entries as the bundled MTA builds from the same mail', () => {
    // fast.test: 6 messages delivered in 1 s. slow.test: 5 delivered after 12 minutes, and 2
    // recipients of one message received 15 minutes before the window ended, still waiting at the window's end.
    const end = T0 + 10_000;
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(client(T0 + 1000, qid(i)), active(T0 + 1000, qid(i)), virtual(T0 + 2000, qid(i), `u${i}@Fast.test`, 'sent', 1), removed(T0 + 2000, qid(i)));
    for (let i = 10; i < 15; i++) lines.push(virtual(T0 + 3000, qid(i), `u${i}@slow.test`, 'sent', 720), removed(T0 + 3000, qid(i)));
    const since = T0 - 15 * 60_000 + 5000;
    lines.unshift(client(since, qid(20)), active(since, qid(20), 2), virtual(since + 1000, qid(20), 'a@slow.test', 'deferred', 1), virtual(since + 1000, qid(20), 'b@slow.test', 'deferred', 1));
    lines.push(`${stamp(end + 1000)} mx1 postfix/anvil[3]: statistics: max connection rate 1/60s`);
    const rollups = build(lines, { domainTopN: 1 });
    const inbound = rollups.filter((r) => r.flow === 'inbound').at(-1)!;
    expect(inbound.window_start).toBe(new Date(T0).toISOString());

    // The MTA's side: telemetry records each delivery with its domains, the queue is told per recipient.
    const mta = new FlowWindow(T0);
    for (let i = 0; i < 6; i++) mta.recordDelivered({ total: 1 }, ['fast.test']);
    for (let i = 0; i < 5; i++) mta.recordDelivered({ total: 720 }, ['slow.test']);
    const tally = new QueueTally();
    tally.message('inbound', end - since);
    tally.recipient('inbound', 'slow.test', end - since, null);
    tally.recipient('inbound', 'slow.test', end - since, null);
    const expected = mta.finish({ source: 'mx1', flow: 'inbound', queue: tally.finish(() => []).inbound, scanPolicy: 'enabled', scanBypassing: false, domainTopN: 1 });

    expect(inbound.domains).toEqual(expected.domains);
    // slow.test is the busiest (5 delivered + 2 waiting): listed; fast.test falls into "other".
    expect(inbound.domains!.map((d) => d.domain)).toEqual(['slow.test', 'other']);
    expect(inbound.domains![0]).toMatchObject({ delivered: 5, delay_max_s: 720, waiting: 2, oldest_age_s: 905 });
    expect(inbound.domains![1]).toMatchObject({ delivered: 6, delay_max_s: 1, waiting: 0 });
  });

  it('--domain-top-n and MTA_DOMAIN_TOP_N set how many are listed, within bounds', () => {
    const env = (vars: Record<string, string> = {}) => vars as NodeJS.ProcessEnv;
    expect(parseOptions(['x.log'], env())).toMatchObject({ domainTopN: 20 });
    expect(parseOptions(['x.log'], env({ MTA_DOMAIN_TOP_N: '5' }))).toMatchObject({ domainTopN: 5 });
    expect(parseOptions(['--domain-top-n', '0', 'x.log'], env({ MTA_DOMAIN_TOP_N: '5' }))).toMatchObject({ domainTopN: 0 });
    expect(() => parseOptions(['--domain-top-n', '201', 'x.log'], env())).toThrow(/0 to 200/);
    expect(() => parseOptions(['--domain-top-n', 'many', 'x.log'], env())).toThrow(/0 to 200/);
  });
});
