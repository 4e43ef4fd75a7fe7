import { describe, expect, it } from 'vitest';
import { hashToken, randomToken, signManageToken, verifyManageToken } from './tokens';

const secret = 'x'.repeat(40);

describe('manage tokens', () => {
  it('verifies a token it signed and returns the subscriber and version', () => {
    const token = signManageToken('cabc123', 3, 'subscriber', secret);
    expect(verifyManageToken(token, 'subscriber', secret)).toEqual({ id: 'cabc123', version: 3 });
  });

  it('refuses a tampered id, version, signature, purpose or key', () => {
    const token = signManageToken('cabc123', 3, 'subscriber', secret);
    const [id, version, sig] = token.split('.');
    expect(verifyManageToken(`cabc124.${version}.${sig}`, 'subscriber', secret)).toBeNull();
    expect(verifyManageToken(`${id}.4.${sig}`, 'subscriber', secret)).toBeNull();
    expect(verifyManageToken(`${id}.${version}.${'A'.repeat(43)}`, 'subscriber', secret)).toBeNull();
    expect(verifyManageToken(token, 'webhook', secret)).toBeNull();
    expect(verifyManageToken(token, 'subscriber', 'y'.repeat(40))).toBeNull();
    expect(verifyManageToken('garbage', 'subscriber', secret)).toBeNull();
  });
});

describe('confirmation tokens', () => {
  it('are random and stored only as a hash', () => {
    const a = randomToken();
    expect(a).not.toBe(randomToken());
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a);
  });
});
