'use client';

import { useActionState, useEffect, useRef } from 'react';
import { localePath, type Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { unsubscribeAction, type UnsubscribeState } from './actions';

/** The plain "you are unsubscribed" panel, also shown when the page is opened after leaving. */
export function UnsubscribedPanel({ lang, focus = false }: { lang: Lang; focus?: boolean }) {
  const t = subscribeMessages(lang);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) panel.current?.focus();
  }, [focus]);
  return (
    <div className="confirm-panel" role="status" tabIndex={-1} ref={panel} data-testid="unsubscribed">
      <h2>{t.unsubscribedHeading}</h2>
      <p>{t.unsubscribed}</p>
      <p>
        <a href={localePath(lang, '/subscribe')}>{t.subscribeAgain}</a>
      </p>
    </div>
  );
}

// Leaving takes a button press, not just opening the link: mail scanners open links too.
export function UnsubscribeForm({ lang, token, email }: { lang: Lang; token: string; email: string }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(unsubscribeAction, { status: 'idle' } as UnsubscribeState);
  if (state.status === 'done') return <UnsubscribedPanel lang={lang} focus />;
  return (
    <form action={action} className="subscribe-form" data-testid="unsubscribe-form">
      <input type="hidden" name="token" value={token} />
      {state.status === 'invalid' && (
        <p className="form-error" role="alert">
          {t.linkInvalid}
        </p>
      )}
      <p>{t.unsubscribeQuestion(email)}</p>
      <div>
        <button type="submit" className="danger" disabled={pending}>
          {t.unsubscribeButton}
        </button>
      </div>
    </form>
  );
}
