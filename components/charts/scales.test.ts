import { formatInTimeZone } from 'date-fns-tz';
import { describe, expect, it } from 'vitest';
import { countAxis, delayAxis, formatDelayTick, formatStep, timeTicks } from './scales';

const labels = (ticks: number[], lang: 'ja' | 'en') => ticks.map((t) => formatDelayTick(t, lang));

describe('delayAxis', () => {
  it('draws healthy sub-second delays well above the lowest gridline', () => {
    const axis = delayAxis([0.12, 0.16, 0.14]);
    expect(labels(axis.ticks, 'ja')).toEqual(['0.01秒', '0.1秒', '1秒', '10秒', '1分']);
    const lowest = axis.y(axis.ticks[0]);
    expect(lowest).toBe(1);
    // A quarter of the plot above it, below the 1-second line.
    expect(axis.y(0.12)).toBeLessThan(lowest - 0.25);
    expect(axis.y(0.16)).toBeGreaterThan(axis.y(1));
  });

  it('goes down to 0.01 s and no further', () => {
    const axis = delayAxis([0.03, 0.05]);
    expect(axis.ticks[0]).toBe(0.01);
    expect(axis.y(0.03)).toBeLessThan(axis.y(0.01));
    expect(delayAxis([0.001]).ticks[0]).toBe(0.01);
    expect(delayAxis([0.001]).y(0.001)).toBe(1);
  });

  it('starts at 0.1 s when nothing is faster than about a third of a second', () => {
    expect(delayAxis([0.4, 3]).ticks[0]).toBe(0.1);
    expect(delayAxis([0.3, 3]).ticks[0]).toBe(0.01);
  });

  it('keeps 0.1 s as the floor for slower mail, and reaches the largest delay', () => {
    const axis = delayAxis([2, 45 * 60]);
    expect(labels(axis.ticks, 'en')).toEqual(['0.1 s', '1 s', '10 s', '1 min', '10 min', '1 h']);
    expect(axis.y(3600)).toBeCloseTo(0.06);
    expect(axis.y(45 * 60)).toBeGreaterThan(axis.y(3600));
    expect(labels(delayAxis([5 * 3600]).ticks, 'ja').at(-1)).toBe('1日');
  });

  it('shows a second to a minute when there is no data', () => {
    expect(labels(delayAxis([]).ticks, 'ja')).toEqual(['0.1秒', '1秒', '10秒', '1分']);
  });
});

describe('countAxis', () => {
  it('rounds the top up to 1, 2 or 5 times a power of ten, at least 10', () => {
    expect(countAxis(0).ticks).toEqual([0, 5, 10]);
    expect(countAxis(13).ticks).toEqual([0, 10, 20]);
    expect(countAxis(2400).ticks).toEqual([0, 2500, 5000]);
    expect(countAxis(13).y(0)).toBe(1);
  });
});

describe('formatStep', () => {
  it('names the series step', () => {
    expect([600, 3600, 21_600, 60].map((s) => formatStep(s, 'ja'))).toEqual(['10分', '1時間', '6時間', '1分']);
    expect([600, 3600, 21_600, 60].map((s) => formatStep(s, 'en'))).toEqual(['10 minutes', 'hour', '6 hours', 'minute']);
  });
});

describe('timeTicks', () => {
  const TOKYO = 'Asia/Tokyo';
  const local = (d: Date, tz = TOKYO) => formatInTimeZone(d, tz, 'yyyy-MM-dd HH:mm');

  it('puts 24 hours on whole hours every 4 hours, and names the day at midnight', () => {
    const to = new Date('2025-03-10T05:10:00Z'); // 14:10 in Tokyo
    const ticks = timeTicks(new Date(to.getTime() - 86_400_000), to, TOKYO);
    expect(ticks.map((t) => local(t.at))).toEqual(['2025-03-09 16:00', '2025-03-09 20:00', '2025-03-10 00:00', '2025-03-10 04:00', '2025-03-10 08:00', '2025-03-10 12:00']);
    expect(ticks.map((t) => t.label)).toEqual(['16:00', '20:00', '3/10', '4:00', '8:00', '12:00']);
    expect(ticks[0].x).toBeCloseTo(110 / 1440);
    expect(ticks.some((t) => t.minor)).toBe(false);
  });

  it('puts 7 days on every midnight in the site time zone, a day apart', () => {
    const to = new Date('2025-03-10T06:00:00Z');
    const ticks = timeTicks(new Date(to.getTime() - 7 * 86_400_000), to, TOKYO);
    expect(ticks.map((t) => local(t.at))).toEqual(['04', '05', '06', '07', '08', '09', '10'].map((d) => `2025-03-${d} 00:00`));
    expect(ticks.map((t) => t.label)).toEqual(['3/4', '3/5', '3/6', '3/7', '3/8', '3/9', '3/10']);
    const gaps = ticks.slice(1).map((t, i) => t.x - ticks[i].x);
    for (const gap of gaps) expect(gap).toBeCloseTo(1 / 7);
    // On a phone every other day keeps its label.
    expect(ticks.filter((t) => !t.minor).map((t) => t.label)).toEqual(['3/4', '3/6', '3/8', '3/10']);
  });

  it('puts 30 days on Mondays', () => {
    const to = new Date('2025-03-10T06:00:00Z');
    const ticks = timeTicks(new Date(to.getTime() - 30 * 86_400_000), to, TOKYO);
    expect(ticks.map((t) => t.label)).toEqual(['2/10', '2/17', '2/24', '3/3', '3/10']);
    for (const t of ticks) expect(formatInTimeZone(t.at, TOKYO, 'EEE HH:mm')).toBe('Mon 00:00');
  });

  it('follows local midnight across a daylight-saving change', () => {
    const NY = 'America/New_York'; // clocks went forward on 2025-03-09
    const to = new Date('2025-03-12T12:00:00Z');
    const ticks = timeTicks(new Date(to.getTime() - 7 * 86_400_000), to, NY);
    expect(ticks.map((t) => local(t.at, NY).slice(11))).toEqual(Array(7).fill('00:00'));
    expect(ticks[4].at.getTime() - ticks[3].at.getTime()).toBe(23 * 3_600_000);
  });

  it('picks a finer spacing for an incident of a few hours', () => {
    const from = new Date('2025-03-10T01:00:00Z');
    const ticks = timeTicks(from, new Date(from.getTime() + 3 * 3_600_000), TOKYO);
    expect(ticks.map((t) => t.label)).toEqual(['10:00', '10:30', '11:00', '11:30', '12:00', '12:30']);
  });

  it('keeps the whole hours labelled on a phone when an axis is crowded', () => {
    const from = new Date('2025-03-10T01:00:00Z');
    const ticks = timeTicks(new Date(from.getTime() - 15 * 60_000), new Date(from.getTime() + 105 * 60_000), TOKYO);
    expect(ticks.map((t) => t.label)).toEqual(['9:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30']);
    expect(ticks.filter((t) => !t.minor).map((t) => t.label)).toEqual(['10:00', '10:30', '11:00', '11:30']);
  });
});
