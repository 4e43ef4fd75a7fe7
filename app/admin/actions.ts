'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { audit } from '@/lib/audit/log';
import { ADMIN_LANG_COOKIE } from '@/lib/auth/admin-lang';
import { checkSameOrigin } from '@/lib/auth/guard';
import { clientIp, currentStaff, endSession } from '@/lib/auth/session';

export async function signOutAction() {
  await checkSameOrigin();
  const staff = await currentStaff();
  await endSession();
  if (staff) await audit(staff, 'auth.sign_out', { type: 'staff', id: staff.id }, {}, await clientIp());
  redirect('/admin/sign-in');
}

export async function switchLanguageAction(formData: FormData) {
  await checkSameOrigin();
  const lang = formData.get('lang') === 'en' ? 'en' : 'ja';
  (await cookies()).set(ADMIN_LANG_COOKIE, lang, { httpOnly: true, sameSite: 'lax', path: '/admin', maxAge: 365 * 86_400 });
  const back = String(formData.get('back') ?? '/admin');
  redirect(back.startsWith('/admin') ? back : '/admin');
}
