import { timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '../env';

// INGEST_TOKEN, or the token generated under DATA_DIR on first start (scripts/lib/ingest-token.mjs).
export function readIngestToken(): string | null {
  if (env.INGEST_TOKEN) return env.INGEST_TOKEN;
  try {
    return readFileSync(path.join(env.DATA_DIR, 'ingest-token'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Checks "Authorization: Bearer <token>" in constant time. */
export function hasValidIngestToken(authorization: string | null): boolean {
  const expected = readIngestToken();
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!expected || !match) return false;
  // Compare digests so that the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(match[1]).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
