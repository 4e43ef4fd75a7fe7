import 'server-only';
import { headers } from 'next/headers';
import { forbidden, redirect, unauthorized } from 'next/navigation';
import { currentStaff, type Staff } from './session';
import type { StaffRole } from './staff';

const RANK: Record<StaffRole, number> = { editor: 1, admin: 2 };

/** For pages: the staff member, or a redirect to sign-in; a 403 page when the role is too low. */
export async function requireStaffPage(role: StaffRole = 'editor'): Promise<Staff> {
  const staff = await currentStaff();
  if (!staff) redirect('/admin/sign-in');
  if (RANK[staff.role] < RANK[role]) forbidden();
  return staff;
}

/**
 * For every mutation, inside the action itself: the request must come from this site's own pages
 * (Origin matches Host), carry a valid session (else 401) and a high enough role (else 403).
 */
export async function authorizeAction(role: StaffRole = 'editor'): Promise<Staff> {
  await checkSameOrigin();
  const staff = await currentStaff();
  if (!staff) unauthorized();
  if (RANK[staff.role] < RANK[role]) forbidden();
  return staff;
}

/** CSRF defence for actions that run before sign-in (sign-in itself, password set-up). */
export async function checkSameOrigin() {
  const h = await headers();
  const origin = h.get('origin');
  const host = h.get('x-forwarded-host') ?? h.get('host');
  if (!origin || !host) forbidden();
  try {
    if (new URL(origin).host !== host) forbidden();
  } catch {
    forbidden();
  }
}
