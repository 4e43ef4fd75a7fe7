'use client';

import { useActionState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { unsubscribeAction, type UnsubscribeState } from './actions';

// Leaving takes a button press, not just opening the link: mail scanners open links too.
export function UnsubscribeForm({ lang, token, email }: { lang: Lang; token: string; email: string }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(unsubscribeAction, { status: 'idle' } as UnsubscribeState);
  if (state.status === 'done') return <p role="status">{t.unsubscribed}</p>;
  return (
    <form action={action} data-testid="unsubscribe-form">
      <input type="hidden" name="token" value={token} />
      {state.status === 'invalid' && <p role="alert">{t.linkInvalid}</p>}
      <p>{t.unsubscribeQuestion(email)}</p>
      <button type="submit" disabled={pending}>
        {t.unsubscribeButton}
      </button>
    </form>
  );
}
