import 'server-only';
import { db } from '../db';

/**
 * Fixed-window counter kept in the database, so that every site process shares it. Returns false
 * once more than `limit` hits fell in the current window. Portable: plain upsert and update.
 */
export async function allowHit(key: string, limit: number, windowSeconds: number, now = new Date()): Promise<boolean> {
  const windowStart = new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
  const existing = await db.rateLimitBucket.findUnique({ where: { key } });
  if (!existing || existing.windowStart.getTime() < windowStart.getTime()) {
    await db.rateLimitBucket.upsert({ where: { key }, create: { key, windowStart, count: 1 }, update: { windowStart, count: 1 } });
    return true;
  }
  const updated = await db.rateLimitBucket.update({ where: { key }, data: { count: { increment: 1 } } });
  return updated.count <= limit;
}
