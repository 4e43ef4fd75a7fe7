import 'server-only';
import { db } from '../db';
import { clientNetwork } from '../http/forwarded';
import { clearSlots, releaseSlot, slotsTaken, takeSlot, UNLIMITED } from '../subscribers/rate-limit';
import { verifyPassword } from './password';
import { startSession } from './session';

// Failed sign-ins are limited per (account, client) and per client, never per account alone: an
// account-wide lock would let anyone keep its owner out by failing on purpose. An account under
// attack from many clients slows down instead: each client that already failed on it gets fewer
// tries, while a client that has not (its owner, from their own address) keeps the usual ones.
// Only checked passwords count; an attempt refused as locked checks nothing and counts nothing, so
// a lock ends a window after it began however long someone keeps trying. Clients are counted by
// network (lib/http/forwarded.ts clientNetwork: an IPv6 client by its /64).

export const SIGN_IN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT_AND_CLIENT = 5;
export const MAX_FAILURES_PER_CLIENT = 20;
/** Failures on one account, from all clients, from which it counts as under attack… */
export const ACCOUNT_UNDER_ATTACK_FAILURES = 10;
/** …and each client then has this many per window on it instead of MAX_FAILURES_PER_ACCOUNT_AND_CLIENT. */
export const MAX_FAILURES_PER_CLIENT_UNDER_ATTACK = 2;

const WINDOW_SECONDS = SIGN_IN_WINDOW_MINUTES * 60;

export type SignInResult = { ok: true; userId: string; email: string } | { ok: false; reason: 'invalid' | 'locked' };

export async function signIn(email: string, password: string, ip: string, userAgent: string | null): Promise<SignInResult> {
  const address = email.trim().toLowerCase().slice(0, 254);
  const client = clientNetwork(ip);
  const keys = {
    client: `sign-in:client:${client}`,
    pair: `sign-in:account-client:${client} ${address}`,
    account: `sign-in:account:${address}`,
  };
  const underAttack = (await slotsTaken(keys.account, WINDOW_SECONDS)) >= ACCOUNT_UNDER_ATTACK_FAILURES;
  // The failure is counted before the password is checked, and given back if it was right: of
  // many attempts arriving together, no more are checked than the limits allow.
  if (!(await takeSlot(keys.client, MAX_FAILURES_PER_CLIENT, WINDOW_SECONDS))) return { ok: false, reason: 'locked' };
  const pairLimit = underAttack ? MAX_FAILURES_PER_CLIENT_UNDER_ATTACK : MAX_FAILURES_PER_ACCOUNT_AND_CLIENT;
  if (!(await takeSlot(keys.pair, pairLimit, WINDOW_SECONDS))) {
    await releaseSlot(keys.client);
    return { ok: false, reason: 'locked' };
  }

  const user = await db.staffUser.findUnique({ where: { email: address } });
  const valid = await verifyPassword(user && !user.disabled ? user.passwordHash : null, password);
  await db.signInAttempt.create({ data: { email: address, ip, success: valid } });
  if (!user || !valid) {
    await takeSlot(keys.account, UNLIMITED, WINDOW_SECONDS);
    return { ok: false, reason: 'invalid' };
  }
  await Promise.all([releaseSlot(keys.client), clearSlots(keys.pair)]);
  await db.staffUser.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  await startSession(user.id, ip, userAgent);
  return { ok: true, userId: user.id, email: user.email };
}
