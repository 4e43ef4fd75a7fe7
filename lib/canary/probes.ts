import 'server-only';
import { db } from '../db';
import type { CanaryArrival } from './mailbox';
import type { Probe } from './signal';

// The canary's probes in the database: one per interval, claimed by the worker that sends it.

/**
 * Records the interval's probe before it is sent. False when another worker already has this
 * interval (several workers on one PostgreSQL database send one canary between them).
 */
export async function claimProbe(slot: number, token: string, recipient: string, sentAt: Date): Promise<boolean> {
  try {
    await db.canaryProbe.create({ data: { slot, token, recipient, sentAt } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') return false;
    throw error;
  }
}

export async function recordSendFailure(token: string, error: string): Promise<void> {
  await db.canaryProbe.update({ where: { token }, data: { error: error.slice(0, 500) } });
}

/** Arrivals of probes not yet arrived; a token that is not ours (another installation's) is ignored. */
export async function recordArrivals(arrivals: readonly CanaryArrival[]): Promise<number> {
  let recorded = 0;
  for (const a of arrivals) {
    const { count } = await db.canaryProbe.updateMany({ where: { token: a.token, arrivedAt: null }, data: { arrivedAt: a.arrivedAt, junk: a.junk } });
    recorded += count;
  }
  return recorded;
}

/** The mailbox was read at `at` and the missing probes were not in it. */
export async function markMissingChecked(at: Date, lookbackMs = 86_400_000): Promise<void> {
  await db.canaryProbe.updateMany({ where: { arrivedAt: null, error: null, sentAt: { gte: new Date(at.getTime() - lookbackMs), lte: at } }, data: { checkedAt: at } });
}

/** Probes sent in [from, to), oldest first. */
export async function probesBetween(from: Date, to: Date): Promise<Probe[]> {
  return db.canaryProbe.findMany({
    where: { sentAt: { gte: from, lt: to } },
    select: { sentAt: true, arrivedAt: true, error: true, checkedAt: true },
    orderBy: { sentAt: 'asc' },
  });
}

export async function pruneProbes(before: Date): Promise<number> {
  return (await db.canaryProbe.deleteMany({ where: { sentAt: { lt: before } } })).count;
}
