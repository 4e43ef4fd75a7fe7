import 'server-only';
import { db } from '../db';
import { verifyPassword } from './password';
import { startSession } from './session';

// Limits on failed sign-ins, counted over a sliding window.
export const SIGN_IN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

export type SignInResult = { ok: true; userId: string; email: string } | { ok: false; reason: 'invalid' | 'locked' };

export async function signIn(email: string, password: string, ip: string, userAgent: string | null): Promise<SignInResult> {
  const address = email.trim().toLowerCase().slice(0, 254);
  const since = new Date(Date.now() - SIGN_IN_WINDOW_MINUTES * 60_000);
  const [accountFailures, ipFailures] = await Promise.all([
    db.signInAttempt.count({ where: { email: address, success: false, createdAt: { gte: since } } }),
    db.signInAttempt.count({ where: { ip, success: false, createdAt: { gte: since } } }),
  ]);
  if (accountFailures >= MAX_FAILURES_PER_ACCOUNT || ipFailures >= MAX_FAILURES_PER_IP) {
    await db.signInAttempt.create({ data: { email: address, ip, success: false } });
    return { ok: false, reason: 'locked' };
  }
  const user = await db.staffUser.findUnique({ where: { email: address } });
  const valid = await verifyPassword(user && !user.disabled ? user.passwordHash : null, password);
  await db.signInAttempt.create({ data: { email: address, ip, success: valid } });
  if (!user || !valid) return { ok: false, reason: 'invalid' };
  await db.staffUser.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  await startSession(user.id, ip, userAgent);
  return { ok: true, userId: user.id, email: user.email };
}
