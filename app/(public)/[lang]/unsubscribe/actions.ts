'use server';

import { unsubscribe } from '@/lib/subscribers/subscribe';

export interface UnsubscribeState {
  status: 'idle' | 'done' | 'invalid';
}

export async function unsubscribeAction(_previous: UnsubscribeState, form: FormData): Promise<UnsubscribeState> {
  const token = String(form.get('token') ?? '').slice(0, 200);
  return { status: (await unsubscribe(token)) ? 'done' : 'invalid' };
}
