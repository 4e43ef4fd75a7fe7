import 'server-only';
import { db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { validIdempotencyKey } from './idempotency-hash';

export { requestHash, validIdempotencyKey } from './idempotency-hash';

// Idempotency-Key on the write API's POST and PATCH: a client that retries after a timeout gets the
// first answer again instead of a second incident. Keys belong to one API key; records live 24 h.
//   same key, same request, first one done   → the stored answer, with Idempotent-Replayed: true
//   same key, same request, first one running → 409
//   same key, another request                 → 422

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface StoredAnswer {
  status: number;
  body: string;
}

export type Claim =
  | { kind: 'claimed'; recordId: string }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' }
  | { kind: 'invalid_key' };

/** Claims `key` for this request, or says why the request must not be applied. */
export async function claimIdempotencyKey(apiKeyId: string, key: string, hash: string, now = new Date()): Promise<Claim> {
  if (!validIdempotencyKey(key)) return { kind: 'invalid_key' };
  // Expired records no longer protect anything: this key's are cleared on its next write, which
  // also frees this Idempotency-Key if it is one of them.
  await db.idempotencyRecord.deleteMany({ where: { apiKeyId, createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } } });
  try {
    const record = await db.idempotencyRecord.create({ data: { apiKeyId, key, requestHash: hash, createdAt: now } });
    return { kind: 'claimed', recordId: record.id };
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
  }
  const existing = await db.idempotencyRecord.findUnique({ where: { apiKeyId_key: { apiKeyId, key } } });
  // Released between our insert and this read (the first request failed): the client may retry.
  if (!existing) return { kind: 'in_progress' };
  if (existing.requestHash !== hash) return { kind: 'mismatch' };
  if (existing.status === null || existing.response === null) return { kind: 'in_progress' };
  return { kind: 'replay', answer: { status: existing.status, body: existing.response } };
}

/** Keeps the answer for replays. */
export async function completeIdempotencyKey(recordId: string, answer: StoredAnswer): Promise<void> {
  await db.idempotencyRecord.update({ where: { id: recordId }, data: { status: answer.status, response: answer.body } });
}

/** The request failed without applying anything: the same key may be sent again. */
export async function releaseIdempotencyKey(recordId: string): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { id: recordId } });
}

/** Records older than a day; the worker or any write may call it. */
export async function pruneIdempotencyRecords(now = new Date()): Promise<number> {
  const { count } = await db.idempotencyRecord.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } } });
  return count;
}
