import { describe, expect, it } from 'vitest';
import { MAX_DOMAIN_INPUT, normaliseDomain } from './domain-name';

describe('a typed-in domain', () => {
  it('becomes the one name senders list: lower case, punycode, no trailing dot', () => {
    expect(normaliseDomain('Example.CO.jp')).toEqual({ ok: true, domain: 'example.co.jp' });
    expect(normaliseDomain('  example.com.  ')).toEqual({ ok: true, domain: 'example.com' });
    expect(normaliseDomain('例え.jp')).toEqual({ ok: true, domain: 'xn--r8jz45g.jp' });
    expect(normaliseDomain('BÜCHER.example')).toEqual({ ok: true, domain: 'xn--bcher-kva.example' });
    expect(normaliseDomain('xn--bcher-kva.example')).toEqual({ ok: true, domain: 'xn--bcher-kva.example' });
    expect(normaliseDomain('user1@Demo.Tayori.test')).toEqual({ ok: true, domain: 'demo.tayori.test' });
  });

  it('is refused when it is no domain name, with the reason', () => {
    expect(normaliseDomain('')).toEqual({ ok: false, problem: 'empty' });
    expect(normaliseDomain('  .  ')).toEqual({ ok: false, problem: 'empty' });
    for (const bad of ['localhost', 'a..example', '-a.example', 'a b.example', 'exa*.com', '%', 'example.com/x', '<script>.jp', '*.example.com', `${'a'.repeat(64)}.example`]) {
      expect(normaliseDomain(bad), bad).toEqual({ ok: false, problem: 'malformed' });
    }
    expect(normaliseDomain('a'.repeat(MAX_DOMAIN_INPUT + 1))).toEqual({ ok: false, problem: 'too_long' });
    // Longer than any domain name: 254 characters, or more once written in punycode.
    expect(normaliseDomain(`${'a.'.repeat(126)}jp`)).toEqual({ ok: false, problem: 'too_long' });
    expect(normaliseDomain(`${'例え.'.repeat(25)}jp`)).toEqual({ ok: false, problem: 'too_long' });
    expect(normaliseDomain(`${'a.'.repeat(125)}jp`)).toEqual({ ok: true, domain: `${'a.'.repeat(125)}jp` });
  });
});
