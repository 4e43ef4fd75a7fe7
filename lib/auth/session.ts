import 'server-only';
import { cookies } from 'next/headers';
import { db } from '../db';
import { env } from '../env';
import type { StaffRole } from './staff';
import { hashToken, newToken } from './tokens';

export const SESSION_COOKIE = 'tayori_session';

export interface Staff {
  id: string;
  email: string;
  role: StaffRole;
  sessionId: string;
}

/** Starts a new session (a fresh token on every sign-in) and sets the cookie. */
export async function startSession(userId: string, ip: string | null, userAgent: string | null) {
  const token = newToken();
  const expiresAt = new Date(Date.now() + env.STAFF_SESSION_HOURS * 3_600_000);
  await db.staffSession.create({ data: { userId, tokenHash: hashToken(token), expiresAt, ip, userAgent: userAgent?.slice(0, 300) ?? null } });
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.SITE_URL.startsWith('https://'),
    path: '/',
    expires: expiresAt,
  });
}

/** The signed-in staff member, or null. Expired sessions and disabled accounts count as signed out. */
export async function currentStaff(): Promise<Staff | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const session = await db.staffSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!session || session.expiresAt < new Date() || session.user.disabled || !session.user.passwordHash) return null;
  return { id: session.user.id, email: session.user.email, role: session.user.role as StaffRole, sessionId: session.id };
}

export async function endSession() {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await db.staffSession.deleteMany({ where: { tokenHash: hashToken(token) } });
  jar.delete(SESSION_COOKIE);
}

// Console actions import it from here; one implementation, see lib/http/client-address.ts.
export { clientIp } from '../http/client-address';
