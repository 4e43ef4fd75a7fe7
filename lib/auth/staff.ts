import 'server-only';
import { z } from 'zod';
import { db } from '../db';
import { env } from '../env';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password';
import { hashToken, newToken } from './tokens';

export const StaffRole = z.enum(['admin', 'editor']);
export type StaffRole = z.infer<typeof StaffRole>;
export const StaffEmail = z.string().trim().toLowerCase().max(254).email();

export interface StaffDto {
  id: string;
  email: string;
  role: StaffRole;
  disabled: boolean;
  hasPassword: boolean;
  lastSignInAt: string | null;
}

/** Creates an account (or re-issues a link for one without a password) and returns its single-use set-up link. */
export async function inviteStaff(email: string, role: StaffRole): Promise<{ user: StaffDto; link: string }> {
  const address = StaffEmail.parse(email);
  const existing = await db.staffUser.findUnique({ where: { email: address } });
  if (existing?.passwordHash) throw new Error(`${address} already has a password; use "reset" to issue a new link`);
  const user = existing
    ? await db.staffUser.update({ where: { id: existing.id }, data: { role } })
    : await db.staffUser.create({ data: { email: address, role } });
  return { user: toDto(user), link: await issueSetupLink(user.id) };
}

/** A new single-use link to set the password; earlier unused links stop working. */
export async function issueSetupLink(userId: string): Promise<string> {
  const token = newToken();
  await db.$transaction([
    db.passwordSetupToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } }),
    db.passwordSetupToken.create({
      data: { userId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + env.STAFF_SETUP_LINK_HOURS * 3_600_000) },
    }),
  ]);
  return `${env.SITE_URL.replace(/\/$/, '')}/admin/setup-password?token=${token}`;
}

/** Whose account a set-up link is for, shown on its page before anything is typed (the link stays unused). */
export async function setupLinkAccount(token: string): Promise<{ ok: true; email: string; role: StaffRole } | { ok: false; reason: 'invalid' | 'expired' | 'used' }> {
  const row = await db.passwordSetupToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.usedAt) return { ok: false, reason: 'used' };
  if (row.expiresAt < new Date()) return { ok: false, reason: 'expired' };
  return { ok: true, email: row.user.email, role: row.user.role as StaffRole };
}

export type SetupResult = { ok: true; email: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'weak' };

/** Sets the password through a set-up link; the link works once. Signing out everywhere else follows. */
export async function setPasswordWithToken(token: string, password: string): Promise<SetupResult> {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 200) return { ok: false, reason: 'weak' };
  const row = await db.passwordSetupToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.usedAt) return { ok: false, reason: 'used' };
  if (row.expiresAt < new Date()) return { ok: false, reason: 'expired' };
  const passwordHash = await hashPassword(password);
  // Claim the token first: two concurrent submissions cannot both use it.
  const claimed = await db.passwordSetupToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (claimed.count !== 1) return { ok: false, reason: 'used' };
  await db.$transaction([
    db.staffUser.update({ where: { id: row.userId }, data: { passwordHash } }),
    db.staffSession.deleteMany({ where: { userId: row.userId } }),
  ]);
  return { ok: true, email: row.user.email };
}

/** Disables an account (its sessions end at once) or enables it again. */
export async function setStaffDisabled(userId: string, disabled: boolean): Promise<void> {
  await db.$transaction([
    db.staffUser.update({ where: { id: userId }, data: { disabled } }),
    ...(disabled ? [db.staffSession.deleteMany({ where: { userId } })] : []),
  ]);
}

export async function listStaff(): Promise<StaffDto[]> {
  const users = await db.staffUser.findMany({ orderBy: { email: 'asc' } });
  return users.map(toDto);
}

function toDto(u: { id: string; email: string; role: string; disabled: boolean; passwordHash: string | null; lastSignInAt: Date | null }): StaffDto {
  return { id: u.id, email: u.email, role: u.role as StaffRole, disabled: u.disabled, hasPassword: Boolean(u.passwordHash), lastSignInAt: u.lastSignInAt?.toISOString() ?? null };
}
