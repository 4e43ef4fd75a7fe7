import { describe, expect, it } from 'vitest';
import { computeUptime } from './uptime';

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
