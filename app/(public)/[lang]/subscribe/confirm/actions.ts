'use server';

import { confirmSubscription } from '@/lib/subscribers/subscribe';

export interface ConfirmState {
  status: 'pending' | 'confirmed' | 'already_confirmed' | 'expired' | 'invalid';
  /** The subscription's manage token, once the press confirmed it. */
  manageToken?: string;
}

/** The confirmation page's button: the one place a confirmation link is used. */
export async function confirmAction(_previous: ConfirmState, form: FormData): Promise<ConfirmState> {
  const token = String(form.get('token') ?? '').slice(0, 200);
  const result = await confirmSubscription(token);
  if (result.ok) return { status: 'confirmed', manageToken: result.manageToken };
  return { status: result.error };
}
