import 'server-only';
import { db } from '../db';

// Counters over fixed windows, kept in the database (RateLimitBucket) so that every site process
// shares them: subscription and webhook requests per client, sign-in failures (lib/auth/sign-in.ts).
// A window starts with the first hit counted in it and lasts `windowSeconds`. Each change is one
// conditional UPDATE, never a read followed by a write, so requests arriving together cannot pass a
// limit together, on SQLite and PostgreSQL alike; a refused hit is not counted.

/** Buckets untouched for longer than this are deleted; no window may be longer. */
const MAX_WINDOW_SECONDS = 86_400;
const PRUNE_EVERY_MS = 10 * 60_000;
/** For counters without a limit of their own; fits PostgreSQL's int4. */
export const UNLIMITED = 2_000_000_000;

/**
 * Counts one hit against `key` if fewer than `limit` were counted in its current window, and says
 * whether it was counted.
 */
export async function takeSlot(key: string, limit: number, windowSeconds: number, now = new Date()): Promise<boolean> {
  if (windowSeconds > MAX_WINDOW_SECONDS) throw new Error(`rate-limit windows are at most ${MAX_WINDOW_SECONDS} s`);
  if (limit < 1) return false;
  await pruneNowAndThen(now);
  const windowFrom = new Date(now.getTime() - windowSeconds * 1000);
  // A few rounds at most: each ends unless another request changed the same bucket meanwhile.
  for (let round = 0; round < 5; round++) {
    const counted = await db.rateLimitBucket.updateMany({
      where: { key, windowStart: { gt: windowFrom }, count: { lt: limit } },
      data: { count: { increment: 1 } },
    });
    if (counted.count === 1) return true;
    // The window has run out: this hit starts the next one.
    const restarted = await db.rateLimitBucket.updateMany({ where: { key, windowStart: { lte: windowFrom } }, data: { windowStart: now, count: 1 } });
    if (restarted.count === 1) return true;
    const bucket = await db.rateLimitBucket.findUnique({ where: { key } });
    if (bucket) {
      if (bucket.windowStart > windowFrom && bucket.count >= limit) return false;
      continue;
    }
    try {
      await db.rateLimitBucket.create({ data: { key, windowStart: now, count: 1 } });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
  }
  return false;
}

/** Subscription and webhook requests: whether this one is within `limit` per window. */
export const allowHit = takeSlot;

/** Gives back a hit counted by takeSlot (e.g. a failure reserved before a check that succeeded). */
export async function releaseSlot(key: string): Promise<void> {
  await db.rateLimitBucket.updateMany({ where: { key, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

export async function clearSlots(key: string): Promise<void> {
  await db.rateLimitBucket.deleteMany({ where: { key } });
}

/** Hits counted against `key` in its current window. */
export async function slotsTaken(key: string, windowSeconds: number, now = new Date()): Promise<number> {
  const bucket = await db.rateLimitBucket.findUnique({ where: { key } });
  if (!bucket || bucket.windowStart.getTime() <= now.getTime() - windowSeconds * 1000) return 0;
  return bucket.count;
}

let lastPrune = 0;

/** Keys include client addresses and typed-in account names: old ones go, at most once per 10 minutes and process. */
async function pruneNowAndThen(now: Date) {
  if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
  lastPrune = now.getTime();
  await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: new Date(now.getTime() - MAX_WINDOW_SECONDS * 1000) } } });
}
