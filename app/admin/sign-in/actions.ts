'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { audit } from '@/lib/audit/log';
import { adminLang } from '@/lib/auth/admin-lang';
import { checkSameOrigin } from '@/lib/auth/guard';
import { signIn } from '@/lib/auth/sign-in';
import { clientIp } from '@/lib/http/client-address';
import { adminText } from '@/lib/i18n/admin';

export interface SignInState {
  error?: string;
  email?: string;
}

export async function signInAction(_: SignInState, formData: FormData): Promise<SignInState> {
  await checkSameOrigin();
  const email = String(formData.get('email') ?? '').slice(0, 254);
  const password = String(formData.get('password') ?? '').slice(0, 200);
  const t = adminText(await adminLang());
  const ip = await clientIp();
  const result = await signIn(email, password, ip, (await headers()).get('user-agent'));
  if (!result.ok) {
    await audit({ id: null, email: email.toLowerCase() || '(empty)' }, result.reason === 'locked' ? 'auth.sign_in_locked' : 'auth.sign_in_failed', {}, {}, ip);
    return { email, error: result.reason === 'locked' ? t.locked : t.invalidCredentials };
  }
  await audit({ id: result.userId, email: result.email }, 'auth.sign_in', { type: 'staff', id: result.userId }, {}, ip);
  redirect('/admin');
}
