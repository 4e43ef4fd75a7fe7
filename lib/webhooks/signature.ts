import { createHmac, timingSafeEqual } from 'node:crypto';

// "X-Tayori-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
// Signing the timestamp with the body lets a receiver refuse replays of an old delivery.
export const SIGNATURE_HEADER = 'X-Tayori-Signature';

export function signPayload(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does: recompute, compare in constant time, refuse stale timestamps. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, body, timestamp).split('v1=')[1]!, 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
