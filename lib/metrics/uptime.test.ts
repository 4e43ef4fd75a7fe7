import { describe, expect, it } from 'vitest';
import { computeUptime, type UptimeComponent } from './uptime';
import { uptimeFigureText } from './uptime-text';

const tz = 'Asia/Tokyo';
// Day boundaries in Tokyo are 15:00 UTC.
const from = new Date('2026-11-26T15:00:00Z'); // 2026-11-27 00:00 JST
const now = new Date('2026-11-29T15:00:00Z'); // 2026-11-30 00:00 JST, after three full days

function run(changes: { status: string; at: string }[], incidents = []) {
  return computeUptime({
    slug: 'mail-inbound',
    createdAt: new Date('2026-01-01T00:00:00Z'),
    changes: changes.map((c) => ({ status: c.status, at: new Date(c.at) })),
    incidents,
    from,
    days: 3,
    now,
    timeZone: tz,
  });
}

describe('uptime', () => {
  it('is 100 % for a component that stayed operational', () => {
    const u = run([{ status: 'operational', at: '2026-06-01T00:00:00Z' }]);
    expect(u.uptimePercent).toBe(100);
    expect(u.days.map((d) => d.date)).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
    expect(u.days.every((d) => d.worst === 'operational' && d.minutesAffected === 0)).toBe(true);
  });

  it('counts a major outage fully and a partial outage at 30 %', () => {
    const u = run([
      { status: 'operational', at: '2026-06-01T00:00:00Z' },
      { status: 'major_outage', at: '2026-11-27T03:00:00Z' }, // 12:00 JST on the 27th
      { status: 'operational', at: '2026-11-27T04:12:00Z' }, // 72 minutes later
      { status: 'partial_outage', at: '2026-11-28T03:00:00Z' },
      { status: 'operational', at: '2026-11-28T05:00:00Z' }, // 120 minutes at 30 % = 36
    ]);
    const expected = Math.floor((1 - (72 + 36) / (3 * 1440)) * 10_000) / 100;
    expect(u.uptimePercent).toBe(expected);
    expect(u.days[0]).toMatchObject({ worst: 'major_outage', minutesAffected: 72 });
    expect(u.days[1]).toMatchObject({ worst: 'partial_outage', minutesAffected: 120 });
    expect(u.days[2]).toMatchObject({ worst: 'operational', minutesAffected: 0 });
  });

  it('splits an outage across midnight in the site time zone', () => {
    const u = run([
      { status: 'operational', at: '2026-06-01T00:00:00Z' },
      { status: 'degraded_performance', at: '2026-11-27T14:30:00Z' }, // 23:30 JST
      { status: 'operational', at: '2026-11-27T15:45:00Z' }, // 00:45 JST next day
    ]);
    expect(u.days[0]).toMatchObject({ worst: 'degraded_performance', minutesAffected: 30 });
    expect(u.days[1]).toMatchObject({ worst: 'degraded_performance', minutesAffected: 45 });
    expect(u.uptimePercent).toBe(100); // slowness is not downtime
  });

  it('leaves out time with no data, and shows it', () => {
    const u = run([
      { status: 'operational', at: '2026-06-01T00:00:00Z' },
      { status: 'no_data', at: '2026-11-28T15:00:00Z' },
    ]);
    expect(u.days[2].worst).toBe('no_data');
    expect(u.uptimePercent).toBe(100);
  });

  it('knows nothing before the first record', () => {
    const u = run([{ status: 'operational', at: '2026-11-29T03:00:00Z' }]);
    expect(u.days[0].worst).toBeNull();
    expect(u.days[2].worst).toBe('operational');
  });

  it('lists the incidents of each day', () => {
    const u = run([{ status: 'operational', at: '2026-06-01T00:00:00Z' }], [
      { slug: 'a', titleJa: 'A', titleEn: 'A', startedAt: new Date('2026-11-28T01:00:00Z'), resolvedAt: new Date('2026-11-28T02:00:00Z') },
    ] as never);
    expect(u.days[1].incidents.map((i) => i.slug)).toEqual(['a']);
    expect(u.days[0].incidents).toEqual([]);
  });
});

// The figure and what it covers, worked out by hand. Weights (Statuspage's): major outage 100 %,
// partial outage 30 %, degraded performance and maintenance 0 %; time before the component
// existed and time without data are left out of both sides of the fraction. The figure is
// floor((1 - down / known) * 10 000) / 100, so a little downtime never shows as 100.00.
describe('uptime over the known part of a 90-day period', () => {
  // 90 calendar days in Tokyo: 2026-09-01 … 2026-11-29 (30 + 31 + 29 days).
  const from90 = new Date('2026-08-31T15:00:00Z'); // 2026-09-01 00:00 JST
  const noon = new Date('2026-11-29T03:00:00Z'); // 2026-11-29 12:00 JST
  // 89 whole days and half of today: 89 × 1440 + 720 = 128 880 minutes.
  const WHOLE_PERIOD_MINUTES = 89 * 1440 + 720;

  const texts = (u: UptimeComponent) => [uptimeFigureText('ja', u), uptimeFigureText('en', u)];

  function run90(input: { createdAt: string; changes: [string, string][]; now?: Date }) {
    return computeUptime({
      slug: 'mail-inbound',
      createdAt: new Date(input.createdAt),
      changes: input.changes.map(([status, at]) => ({ status, at: new Date(at) })),
      incidents: [],
      from: from90,
      days: 90,
      now: input.now ?? noon,
      timeZone: tz,
    });
  }

  it('a short partial outage on a component created 43 minutes ago: over the last 43 minutes', () => {
    // Created 14:00 JST, one-part outage 14:20–14:22, now 14:43.
    // known = 43 min; down = 2 min × 0.3 = 0.6 min; 1 − 0.6 / 43 = 0.986046… → 98.60
    const u = run90({
      createdAt: '2026-11-29T05:00:00Z',
      changes: [
        ['operational', '2026-11-29T05:00:00Z'],
        ['partial_outage', '2026-11-29T05:20:00Z'],
        ['operational', '2026-11-29T05:22:00Z'],
      ],
      now: new Date('2026-11-29T05:43:00Z'),
    });
    expect(u).toMatchObject({ uptimePercent: 98.6, coverage: 'recent', coveredMinutes: 43, coveredFrom: '2026-11-29T05:00:00.000Z', periodDays: 90 });
    expect(texts(u)).toEqual(['稼働率 98.60 %（直近43分）', '98.60 % uptime over the last 43 minutes']);
    // The 89 days before it existed are unknown, not "operational".
    expect(u.days.slice(0, 89).every((d) => d.worst === null)).toBe(true);
  });

  it('a 90-minute major outage in a whole 90-day window: over the period', () => {
    // known = 128 880 min; down = 90 min; 1 − 90 / 128 880 = 0.9993016… → 99.93
    const u = run90({
      createdAt: '2026-01-01T00:00:00Z',
      changes: [
        ['operational', '2026-06-01T00:00:00Z'],
        ['major_outage', '2026-11-10T01:00:00Z'],
        ['operational', '2026-11-10T02:30:00Z'],
      ],
    });
    expect(u).toMatchObject({ uptimePercent: 99.93, coverage: 'whole_period', coveredMinutes: WHOLE_PERIOD_MINUTES, coveredFrom: from90.toISOString() });
    // Over the whole period the figure needs no qualifier: the bars say "past 90 days".
    expect(texts(u)).toEqual(['稼働率 99.93 %', '99.93 % uptime']);
    expect(u.days.find((d) => d.date === '2026-11-10')).toMatchObject({ worst: 'major_outage', minutesAffected: 90 });
  });

  it('maintenance is known time and not downtime', () => {
    // Created 120 min ago; 60 min maintenance, then a 6-minute major outage.
    // known = 120 min (maintenance included); down = 6 min; 1 − 6 / 120 = 0.95 → 95.00.
    // (Leaving maintenance out would give 1 − 6/60 = 90.00; counting it down, 1 − 66/120 = 45.00.)
    const u = run90({
      createdAt: '2026-11-29T01:00:00Z',
      changes: [
        ['operational', '2026-11-29T01:00:00Z'],
        ['under_maintenance', '2026-11-29T01:30:00Z'],
        ['operational', '2026-11-29T02:30:00Z'],
        ['major_outage', '2026-11-29T02:40:00Z'],
        ['operational', '2026-11-29T02:46:00Z'],
      ],
    });
    expect(u).toMatchObject({ uptimePercent: 95, coverage: 'recent', coveredMinutes: 120 });
    // From two hours on, the span is told in hours.
    expect(texts(u)).toEqual(['稼働率 95.00 %（直近2時間）', '95.00 % uptime over the last 2 hours']);
    // A whole period of nothing but maintenance and health is 100 %, over the period.
    const quiet = run90({
      createdAt: '2026-01-01T00:00:00Z',
      changes: [
        ['operational', '2026-06-01T00:00:00Z'],
        ['under_maintenance', '2026-11-15T15:00:00Z'],
        ['operational', '2026-11-15T21:00:00Z'],
      ],
    });
    expect(quiet).toMatchObject({ uptimePercent: 100, coverage: 'whole_period', coveredMinutes: WHOLE_PERIOD_MINUTES });
    expect(quiet.days.find((d) => d.date === '2026-11-16')).toMatchObject({ worst: 'under_maintenance', minutesAffected: 0 });
  });

  it('days without data are left out, and the figure says it covers only the days with data', () => {
    // No data from 11-02 00:00 to 11-05 06:00 JST: 3 × 1440 + 360 = 4 680 min.
    // known = 128 880 − 4 680 = 124 200 min (86.25 days); down = 60 min major;
    // 1 − 60 / 124 200 = 0.9995169… → 99.95
    const u = run90({
      createdAt: '2026-01-01T00:00:00Z',
      changes: [
        ['operational', '2026-06-01T00:00:00Z'],
        ['no_data', '2026-11-01T15:00:00Z'],
        ['operational', '2026-11-04T21:00:00Z'],
        ['major_outage', '2026-11-20T01:00:00Z'],
        ['operational', '2026-11-20T02:00:00Z'],
      ],
    });
    expect(u).toMatchObject({ uptimePercent: 99.95, coverage: 'with_gaps', coveredMinutes: 124_200, coveredFrom: from90.toISOString() });
    // 86.25 days, to the nearest day.
    expect(texts(u)).toEqual(['稼働率 99.95 %（データのある86日間）', '99.95 % uptime over the 86 days with data']);
    expect(u.days.find((d) => d.date === '2026-11-03')?.worst).toBe('no_data');
  });

  it('a component added three days ago: over the last 3 days', () => {
    // 3 × 1440 = 4 320 min, all operational.
    const u = run90({ createdAt: '2026-11-26T03:00:00Z', changes: [['operational', '2026-11-26T03:00:00Z']] });
    expect(u).toMatchObject({ uptimePercent: 100, coverage: 'recent', coveredMinutes: 4320 });
    expect(texts(u)).toEqual(['稼働率 100.00 %（直近3日）', '100.00 % uptime over the last 3 days']);
  });

  it('data that stopped arriving is a gap too, not "the last" stretch', () => {
    // Known from 3 days ago until 2 hours ago: 4 320 − 120 = 4 200 min, not up to now.
    const u = run90({
      createdAt: '2026-11-26T03:00:00Z',
      changes: [
        ['operational', '2026-11-26T03:00:00Z'],
        ['no_data', '2026-11-29T01:00:00Z'],
      ],
    });
    expect(u).toMatchObject({ uptimePercent: 100, coverage: 'with_gaps', coveredMinutes: 4200 });
    // 4 200 min = 2.92 days, to the nearest day.
    expect(texts(u)).toEqual(['稼働率 100.00 %（データのある3日間）', '100.00 % uptime over the 3 days with data']);
  });

  it('knows nothing about a component with no record yet', () => {
    const u = run90({ createdAt: '2026-11-29T03:00:00Z', changes: [] });
    expect(u).toMatchObject({ uptimePercent: null, coverage: 'none', coveredMinutes: 0, coveredFrom: null });
    expect(texts(u)).toEqual(['記録なし', 'no record']);
  });
});
