import { describe, expect, it } from 'vitest';
import { emptyCounts } from './histogram';
import { FlowWindow, idleQueueState, QueueTally } from './rollup-builder';
import { MAX_LISTED_DOMAINS, rollupSchema, type RollupInput } from './rollup-schema';

const issuesOf = (r: unknown) => {
  const parsed = rollupSchema.safeParse(JSON.parse(JSON.stringify(r)));
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

function inboundRollup(build: (w: FlowWindow, tally: QueueTally) => void, domainTopN?: number): RollupInput {
  const w = new FlowWindow(Date.parse('2026-12-06T10:00:00Z'));
  const tally = new QueueTally();
  build(w, tally);
  const queue = tally.finish(() => []).inbound;
  return w.finish({ source: 'mx1', flow: 'inbound', queue, scanPolicy: 'enabled', scanBypassing: false, domainTopN });
}

describe('inbound rollups per hosted domain', () => {
  it('lists the busiest domains with their delays and waiting mail, and sums the rest as "other"', () => {
    const r = inboundRollup((w, tally) => {
      for (let i = 0; i < 5; i++) w.recordDelivered({ total: 2 }, ['Busy.example']);
      for (let i = 0; i < 3; i++) w.recordDelivered({ total: 700 }, ['slow.example']);
      w.recordDelivered({ total: 1 }, ['quiet-a.example']);
      w.recordDelivered({ total: 40 }, ['quiet-b.example', 'busy.example']);
      // One message waiting 20 minutes for slow.example, two recipients of it.
      tally.message('inbound', 1_200_000);
      tally.recipient('inbound', 'slow.example', 1_200_000, null);
      tally.recipient('inbound', 'slow.example', 1_200_000, null);
    }, 2);
    expect(issuesOf(r)).toEqual([]);
    expect(r.delivered).toBe(10);
    const byName = Object.fromEntries((r.domains ?? []).map((d) => [d.domain, d]));
    expect(Object.keys(byName)).toEqual(['busy.example', 'slow.example', 'other']);
    expect(byName['busy.example']).toMatchObject({ delivered: 6, delay_max_s: 40, waiting: 0, oldest_age_s: 0 });
    expect(byName['slow.example']).toMatchObject({ delivered: 3, delay_max_s: 700, waiting: 2, oldest_age_s: 1200 });
    expect(byName['slow.example']!.delay_histogram[8]).toBe(3); // ≤ 900 s
    expect(byName['slow.example']!.waiting_histogram[9]).toBe(2); // ≤ 1800 s
    expect(byName.other).toMatchObject({ delivered: 2, delay_max_s: 40, waiting: 0 });
  });

  it('stays the same size however many domains are hosted', () => {
    const small = inboundRollup((w) => {
      for (let d = 0; d < 25; d++) w.recordDelivered({ total: 1 }, [`d${d}.example`]);
    });
    const large = inboundRollup((w) => {
      for (let d = 0; d < 5000; d++) w.recordDelivered({ total: 1 }, [`d${d}.example`]);
    });
    expect(small.domains).toHaveLength(21);
    expect(large.domains).toHaveLength(21);
    expect(large.domains!.at(-1)).toMatchObject({ domain: 'other', delivered: 4980 });
    expect(issuesOf(large)).toEqual([]);
  });

  it('counts names that are not plain domains in "other" and leaves "other" out when nothing is left over', () => {
    const r = inboundRollup((w) => {
      w.recordDelivered({ total: 1 }, ['localhost']);
      w.recordDelivered({ total: 1 }, ['a.example']);
    });
    expect(r.domains?.map((d) => d.domain)).toEqual(['a.example', 'other']);
    const only = inboundRollup((w) => w.recordDelivered({ total: 1 }, ['a.example']));
    expect(only.domains?.map((d) => d.domain)).toEqual(['a.example']);
  });

  it('outbound rollups carry no domains', () => {
    const r = new FlowWindow(0).finish({ source: 'mx1', flow: 'outbound', queue: idleQueueState(), scanPolicy: 'enabled', scanBypassing: false });
    expect(r.domains).toBeUndefined();
  });
});

describe('the site refuses domain lists that do not add up or do not stay bounded', () => {
  const valid = () => inboundRollup((w) => w.recordDelivered({ total: 3 }, ['a.example']));
  const entry = (domain: string, delivered = 0) => {
    const delay_histogram = emptyCounts();
    delay_histogram[0] = delivered;
    return { domain, delivered, delay_histogram, delay_max_s: delivered ? 1 : null, waiting: 0, waiting_histogram: emptyCounts(), oldest_age_s: 0 };
  };

  it('each figure must be consistent', () => {
    const r = valid();
    r.domains![0]!.delay_histogram[3] = 1;
    expect(issuesOf(r)).toEqual(['domains.0.delay_histogram: adds up to 2, but delivered is 1']);
    const waiting = valid();
    waiting.domains![0]!.waiting = 4;
    expect(issuesOf(waiting)).toEqual(['domains.0.waiting_histogram: adds up to 0, but waiting is 4']);
    const more = valid();
    more.domains = [entry('a.example', 2)];
    expect(issuesOf(more)).toEqual(["domains.0.delivered: is 2, more than the rollup's delivered (1)"]);
  });

  it('names are normalised, listed once, and never outbound', () => {
    for (const name of ['A.example', 'a.example.', 'bücher.example', 'example', 'a..example', `${'a'.repeat(64)}.example`]) {
      const r = valid();
      r.domains = [entry(name)];
      expect(issuesOf(r), name).toHaveLength(1);
    }
    const twice = valid();
    twice.domains = [entry('a.example', 1), entry('a.example')];
    expect(issuesOf(twice)).toEqual(['domains.1.domain: a.example is listed twice']);
    const outbound = { ...valid(), flow: 'outbound' };
    expect(issuesOf(outbound)).toEqual(['domains: are sent with inbound rollups only']);
    const punycode = valid();
    punycode.domains = [entry('xn--bcher-kva.example', 1), entry('other')];
    expect(issuesOf(punycode)).toEqual([]);
  });

  it(`at most ${MAX_LISTED_DOMAINS} domains and "other"`, () => {
    const r = valid();
    r.domains = [...Array.from({ length: MAX_LISTED_DOMAINS }, (_, i) => entry(`d${i}.example`)), entry('other')];
    expect(issuesOf(r)).toEqual([]);
    r.domains.push(entry('one-more.example'));
    expect(issuesOf(r)).toEqual([`domains: Too big: expected array to have <=${MAX_LISTED_DOMAINS + 1} items`]);
  });
});
