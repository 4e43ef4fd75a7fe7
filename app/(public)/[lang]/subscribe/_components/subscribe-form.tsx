'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { localePath, type Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { SubscribeFormState } from '../actions';

// A plain <form> bound to a server action (its state kept by SubscribeChannels): it works before
// (or without) JavaScript, and the errors come back next to their fields. Once sent, the form gives
// way to a panel saying what happens next.
export function SubscribeForm({ lang, state, action, pending, picker }: { lang: Lang; state: SubscribeFormState; action: (form: FormData) => void; pending: boolean; picker: ReactNode }) {
  const t = subscribeMessages(lang);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.status === 'sent') panel.current?.focus();
  }, [state]);
  if (state.status === 'sent') {
    return (
      <div className="confirm-panel" role="status" tabIndex={-1} ref={panel} data-testid="subscribe-sent">
        <h2>{t.sentHeading}</h2>
        <p>{t.sent}</p>
        <p>
          <a href={`${localePath(lang, '/subscribe')}?channel=email`}>{t.subscribeAnother}</a>
        </p>
      </div>
    );
  }
  return (
    <form action={action} className="subscribe-form" noValidate data-testid="subscribe-form">
      <input type="hidden" name="lang" value={lang} />
      {state.errors.form && (
        <p className="form-error" role="alert">
          {t.errors[state.errors.form]}
        </p>
      )}
      {picker}
      <div className="field">
        <label htmlFor="subscribe-email">{t.emailLabel}</label>
        <input
          id="subscribe-email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          defaultValue={state.email}
          aria-invalid={state.errors.email ? true : undefined}
          aria-describedby={state.errors.email ? 'subscribe-email-error subscribe-email-hint' : 'subscribe-email-hint'}
        />
        {state.errors.email && (
          <p id="subscribe-email-error" className="field-error" role="alert">
            {t.errors[state.errors.email]}
          </p>
        )}
        <p id="subscribe-email-hint" className="hint">
          {t.emailHint}
        </p>
      </div>
      <div className="field">
        <label htmlFor="subscribe-lang">{t.languageLabel}</label>
        <select id="subscribe-lang" name="noticeLang" defaultValue={lang}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {t.submit}
        </button>
      </div>
    </form>
  );
}
