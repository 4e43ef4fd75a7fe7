import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff';

describe('retry backoff', () => {
  it('doubles with every attempt, within ±20 % jitter', () => {
    expect(retryDelayMs(1, 60, 0.5)).toBe(60_000);
    expect(retryDelayMs(2, 60, 0.5)).toBe(120_000);
    expect(retryDelayMs(4, 60, 0.5)).toBe(480_000);
    expect(retryDelayMs(1, 60, 0)).toBe(48_000);
    expect(retryDelayMs(1, 60, 1)).toBe(72_000);
  });
});
