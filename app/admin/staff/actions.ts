'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { inviteStaff, setStaffDisabled, StaffEmail, StaffRole } from '@/lib/auth/staff';

export interface InviteState {
  link?: string;
  error?: string;
}

export async function inviteStaffAction(_: InviteState, formData: FormData): Promise<InviteState> {
  const staff = await authorizeAction('admin');
  const parsed = z.object({ email: StaffEmail, role: StaffRole }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join(' ') };
  try {
    const { user, link } = await inviteStaff(parsed.data.email, parsed.data.role);
    await audit(staff, 'staff.invite', { type: 'staff', id: user.id }, { email: user.email, role: user.role }, await clientIp());
    revalidatePath('/admin/staff');
    return { link };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export async function setStaffDisabledAction(formData: FormData) {
  const staff = await authorizeAction('admin');
  const parsed = z.object({ userId: z.string().min(1).max(40), disabled: z.enum(['true', 'false']) }).safeParse(Object.fromEntries(formData));
  if (!parsed.success || parsed.data.userId === staff.id) return;
  const disabled = parsed.data.disabled === 'true';
  await setStaffDisabled(parsed.data.userId, disabled);
  await audit(staff, disabled ? 'staff.disable' : 'staff.enable', { type: 'staff', id: parsed.data.userId }, {}, await clientIp());
  revalidatePath('/admin/staff');
}
