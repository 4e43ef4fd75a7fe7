import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMonth, isoInZone, monthKey } from './format';

const start = new Date('2014-12-02T02:00:00Z'); // 11:00 in Tokyo

describe('dates in the site time zone', () => {
  it('writes Japanese dates the Japanese way, with the weekday', () => {
    expect(formatDateTime(start, 'ja', 'Asia/Tokyo')).toBe('2014年12月2日(火) 11:00');
  });

  it('writes English dates with the zone', () => {
    expect(formatDateTime(start, 'en', 'Asia/Tokyo')).toBe('Tue, Dec 2, 2014 11:00 JST');
  });

  it('drops the time for day-precision entries', () => {
    expect(formatDateTime(new Date('2014-12-04T15:00:00Z'), 'ja', 'Asia/Tokyo', 'day')).toBe('2014年12月5日(金)');
  });

  it('uses the Tokyo date even when UTC is still on the previous day', () => {
    const lateUtc = new Date('2014-12-02T15:30:00Z'); // 00:30 on the 3rd in Tokyo
    expect(formatDateTime(lateUtc, 'ja', 'Asia/Tokyo')).toBe('2014年12月3日(水) 00:30');
    expect(monthKey(new Date('2014-11-30T16:00:00Z'), 'Asia/Tokyo')).toBe('2014-12');
  });

  it('follows a configured time zone', () => {
    expect(formatDateTime(start, 'en', 'UTC')).toBe('Tue, Dec 2, 2014 02:00 UTC');
  });

  it('gives ISO 8601 with offset for <time datetime>', () => {
    expect(isoInZone(start, 'Asia/Tokyo')).toBe('2014-12-02T11:00:00+09:00');
    expect(isoInZone(start, 'Asia/Tokyo', 'day')).toBe('2014-12-02');
  });

  it('names months in both languages', () => {
    expect(formatMonth(start, 'ja', 'Asia/Tokyo')).toBe('2014年12月');
    expect(formatMonth(start, 'en', 'Asia/Tokyo')).toBe('December 2014');
  });
});
