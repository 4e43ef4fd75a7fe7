import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = JSON.stringify({ incident: { name: 'メール受信の遅延' } });

  it('verify for the same secret, body and a recent timestamp', () => {
    const header = signPayload(secret, body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, 1_700_000_010)).toBe(true);
  });

  it('fail for another body, another secret, or a replayed old delivery', () => {
    const header = signPayload(secret, body, 1_700_000_000);
    expect(verifySignature(secret, body.replace('遅延', '障害'), header, 1_700_000_010)).toBe(false);
    expect(verifySignature('other', body, header, 1_700_000_010)).toBe(false);
    expect(verifySignature(secret, body, header, 1_700_000_000 + 3600)).toBe(false);
    expect(verifySignature(secret, body, 'nonsense')).toBe(false);
  });
});
