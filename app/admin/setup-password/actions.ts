'use server';

import { redirect } from 'next/navigation';
import { audit } from '@/lib/audit/log';
import { adminLang } from '@/lib/auth/admin-lang';
import { checkSameOrigin } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { setPasswordWithToken } from '@/lib/auth/staff';
import { adminText } from '@/lib/i18n/admin';

export interface SetupState {
  error?: string;
}

export async function setupPasswordAction(_: SetupState, formData: FormData): Promise<SetupState> {
  await checkSameOrigin();
  const t = adminText(await adminLang());
  const token = String(formData.get('token') ?? '').slice(0, 200);
  const password = String(formData.get('password') ?? '');
  const result = await setPasswordWithToken(token, password);
  if (!result.ok) {
    const messages = { invalid: t.linkInvalid, expired: t.linkExpired, used: t.linkUsed, weak: t.weakPassword };
    return { error: messages[result.reason] };
  }
  await audit({ id: null, email: result.email }, 'auth.password_set', { type: 'staff' }, {}, await clientIp());
  redirect('/admin/sign-in?done=1');
}
