import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, parseAuthorization } from './key';

describe('API keys', () => {
  it('are tyk_ and 32 random bytes in base64url, stored as SHA-256 with a 12-character prefix', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^tyk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.key.slice(4), 'base64url')).toHaveLength(32);
    expect(a.key).not.toBe(b.key);
    expect(a.prefix).toBe(a.key.slice(0, 12));
    expect(a.keyHash).toBe(createHash('sha256').update(a.key).digest('hex'));
    expect(a.keyHash).not.toContain(a.key.slice(4, 20));
    expect(hashApiKey(a.key)).toBe(a.keyHash);
  });

  it('are read from Bearer and from Statuspage’s OAuth header, any case', () => {
    const { key } = generateApiKey();
    expect(parseAuthorization(`Bearer ${key}`)).toBe(key);
    expect(parseAuthorization(`bearer ${key}`)).toBe(key);
    expect(parseAuthorization(`OAuth ${key}`)).toBe(key);
    expect(parseAuthorization(`  Bearer   ${key} `)).toBe(key);
  });

  it('are refused when missing, malformed or sent another way', () => {
    const { key } = generateApiKey();
    expect(parseAuthorization(null)).toBeNull();
    expect(parseAuthorization('')).toBeNull();
    expect(parseAuthorization(key)).toBeNull();
    expect(parseAuthorization(`Basic ${Buffer.from(`x:${key}`).toString('base64')}`)).toBeNull();
    expect(parseAuthorization(`Bearer ${key}x`)).toBeNull();
    expect(parseAuthorization(`Bearer ${key.slice(0, -1)}`)).toBeNull();
    expect(parseAuthorization(`Bearer tyk_${'+'.repeat(43)}`)).toBeNull();
    expect(parseAuthorization(`Bearer ${key} ${key}`)).toBeNull();
  });
});
