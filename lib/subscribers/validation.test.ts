import { describe, expect, it } from 'vitest';
import { checkEmail, isHeaderSafe } from './validation';

describe('checkEmail', () => {
  it('accepts an ordinary address and normalises it', () => {
    expect(checkEmail('  Info@Demo.Tayori.TEST ')).toEqual({ ok: true, email: 'info@demo.tayori.test' });
  });

  it('refuses CR/LF that would add a header', () => {
    expect(checkEmail('a@example.com\r\nBcc: victim@example.com')).toEqual({ ok: false, error: 'header_injection' });
    expect(checkEmail('a@example.com\n')).toEqual({ ok: false, error: 'header_injection' });
  });

  it('enforces the RFC 5321 limits on the local part, the domain and the whole address', () => {
    expect(checkEmail(`${'a'.repeat(64)}@example.com`).ok).toBe(true);
    expect(checkEmail(`${'a'.repeat(65)}@example.com`)).toEqual({ ok: false, error: 'too_long' });
    const label = 'b'.repeat(60);
    expect(checkEmail(`a@${[label, label, label, label, label, 'com'].join('.')}`)).toEqual({ ok: false, error: 'too_long' });
  });

  it('refuses what is not an address', () => {
    for (const bad of ['', 'plain', '@example.com', 'a@', 'a@b', 'a..b@example.com', 'a@-x.com', 'a b@example.com']) {
      expect(checkEmail(bad).ok, bad).toBe(false);
    }
  });
});

describe('isHeaderSafe', () => {
  it('refuses line breaks and over-long text', () => {
    expect(isHeaderSafe('Tayori Status')).toBe(true);
    expect(isHeaderSafe('x\r\nBcc: y')).toBe(false);
    expect(isHeaderSafe('x'.repeat(201))).toBe(false);
  });
});
