'use client';

import { useActionState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { subscribeAction, type SubscribeFormState } from '../actions';
import { ComponentPicker } from './component-picker';

const initial: SubscribeFormState = { status: 'idle', errors: {}, email: '' };

// A plain <form> bound to a server action: it works before (or without) JavaScript, and the
// errors come back next to their fields.
export function SubscribeForm({ lang, groups }: { lang: Lang; groups: ComponentGroupDto[] }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(subscribeAction, initial);
  return (
    <form action={action} className="subscribe-form" noValidate data-testid="subscribe-form">
      <input type="hidden" name="lang" value={lang} />
      {state.status === 'sent' && (
        <p className="form-success" role="status">
          {t.sent}
        </p>
      )}
      {state.errors.form && (
        <p className="field-error" role="alert">
          {t.errors[state.errors.form]}
        </p>
      )}
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
          aria-describedby={state.errors.email ? 'subscribe-email-error' : 'subscribe-email-hint'}
        />
        <p id="subscribe-email-hint" className="hint">
          {t.emailHint}
        </p>
        {state.errors.email && (
          <p id="subscribe-email-error" className="field-error" role="alert">
            {t.errors[state.errors.email]}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="subscribe-lang">{t.languageLabel}</label>
        <select id="subscribe-lang" name="noticeLang" defaultValue={lang}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </div>
      <ComponentPicker groups={groups} lang={lang} value={{ all: true, components: [], groups: [] }} idPrefix="subscribe" error={state.errors.components ? t.errors[state.errors.components] : undefined} />
      <button type="submit" disabled={pending}>
        {t.submit}
      </button>
    </form>
  );
}
