import 'server-only';
import { headers } from 'next/headers';
import { forbidden, redirect, unauthorized } from 'next/navigation';
import { originOf } from '../http/forwarded';
import { siteOrigins } from '../http/client-address';
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
 * (its Origin is the site's, see checkSameOrigin), carry a valid session (else 401) and a high
 * enough role (else 403).
 */
export async function authorizeAction(role: StaffRole = 'editor'): Promise<Staff> {
  await checkSameOrigin();
  const staff = await currentStaff();
  if (!staff) unauthorized();
  if (RANK[staff.role] < RANK[role]) forbidden();
  return staff;
}

/**
 * CSRF defence, also for actions that run before sign-in (sign-in itself, password set-up): the
 * Origin must be the site's own, scheme, host and port alike (SITE_URL, or what a trusted proxy
 * says the browser used). Matching the host alone would let a page on http:// post to the https://
 * site, or another port's service to this one.
 */
export async function checkSameOrigin() {
  const origin = (await headers()).get('origin');
  const allowed = await siteOrigins();
  if (originOf(origin) && allowed.includes(originOf(origin)!)) return;
  // Says why a form of the site's own was refused when SITE_URL does not match the address in use.
  console.warn(`tayori: refused a form posted from origin ${JSON.stringify(origin?.slice(0, 200) ?? null)}; this site's: ${allowed.join(', ')}`);
  forbidden();
}
