import { describe, expect, it } from 'vitest';
import { AuthThrottle } from './auth-throttle.js';

const settings = { delayMs: 100, maxFailures: 3, windowMs: 60_000, blockAfter: 5 };

describe('AUTH throttling', () => {
  it('answers each failure later than the one before, at most 16 times the first delay', () => {
    const t = new AuthThrottle({ ...settings, maxFailures: 0, blockAfter: 0 });
    const delays = Array.from({ length: 7 }, (_, i) => t.failed('192.0.2.1', 'u', 1000 + i).delayMs);
    expect(delays).toEqual([100, 200, 400, 800, 1600, 1600, 1600]);
  });

  it('refuses a client after maxFailures, and counts refused attempts towards a block', () => {
    const t = new AuthThrottle(settings);
    for (let i = 0; i < 3; i++) {
      expect(t.check('192.0.2.1', `user${i}`, 1000)).toEqual({ allowed: true });
      t.failed('192.0.2.1', `user${i}`, 1000);
    }
    expect(t.check('192.0.2.1', 'other', 1000)).toEqual({ allowed: false, scope: 'client' });
    expect(t.check('192.0.2.2', 'other', 1000)).toEqual({ allowed: true });
    expect(t.refused('192.0.2.1', 1001)).toBe(4);
    expect(t.refused('192.0.2.1', 1002)).toBe(5);
    // The window moves on: old failures no longer count.
    expect(t.check('192.0.2.1', 'other', 62_000)).toEqual({ allowed: true });
  });

  it('refuses a user name guessed from many addresses, and counts logins in progress', () => {
    const t = new AuthThrottle(settings);
    for (let i = 0; i < 3; i++) t.failed(`192.0.2.${10 + i}`, 'Info@Example.org', 1000);
    expect(t.check('192.0.2.99', 'info@example.org ', 1000)).toEqual({ allowed: false, scope: 'user' });
    for (let i = 0; i < 3; i++) t.started('198.51.100.1');
    expect(t.check('198.51.100.1', 'x', 1000)).toEqual({ allowed: false, scope: 'client' });
    t.finished('198.51.100.1');
    expect(t.check('198.51.100.1', 'x', 1000)).toEqual({ allowed: true });
  });

  it('forgets what has left the window', () => {
    const t = new AuthThrottle(settings);
    t.failed('192.0.2.1', 'u', 1000);
    t.sweep(70_000);
    expect(t.failed('192.0.2.1', 'u', 70_001)).toEqual({ delayMs: 100, attempts: 1 });
  });
});
