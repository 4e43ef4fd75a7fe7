'use server';

import { isLang } from '@/lib/i18n/locales';
import type { SubscribeErrorCode } from '@/lib/i18n/subscribe-messages';
import { updateSubscription } from '@/lib/subscribers/subscribe';
import { choiceFromForm } from '@/lib/subscribers/validation';

export interface ManageFormState {
  status: 'idle' | 'saved' | 'error';
  error?: SubscribeErrorCode | 'link_invalid';
}

export async function updateSubscriptionAction(_previous: ManageFormState, form: FormData): Promise<ManageFormState> {
  const token = String(form.get('token') ?? '').slice(0, 200);
  const noticeLang = String(form.get('noticeLang') ?? '');
  const choice = choiceFromForm(form, isLang(noticeLang) ? noticeLang : 'ja');
  if (!choice) return { status: 'error', error: 'unknown_component' };
  const result = await updateSubscription(token, choice);
  if (!result.ok) return { status: 'error', error: result.error === 'invalid' ? 'link_invalid' : result.error };
  return { status: 'saved' };
}
