import { createHash } from 'node:crypto';

/** What makes two requests "the same" under one Idempotency-Key: method, path and body bytes. */
export function requestHash(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n`).update(body).digest('hex');
}

const MAX_KEY_LENGTH = 255;

/** 1 to 255 visible ASCII characters, as Stripe and the IETF draft allow (UUIDs, ULIDs, hashes). */
export function validIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);
}
