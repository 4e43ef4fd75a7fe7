'use client';

import { useActionState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { mailTraceMessages } from '@/lib/i18n/mail-trace-messages';
import { traceMailAction, type TraceFormState } from '../actions';
import { TraceResult } from './trace-result';

const initial: TraceFormState = { status: 'idle', errors: {}, fields: { messageId: '', recipient: '' } };

// A plain <form> bound to a server action: it works without JavaScript, and the answer (or the
// errors, next to their fields) comes back on the same page.
export function TraceForm({ lang }: { lang: Lang }) {
  const t = mailTraceMessages(lang);
  const [state, action, pending] = useActionState(traceMailAction, initial);
  return (
    <>
      <form action={action} className="subscribe-form" noValidate data-testid="mail-trace-form">
        <input type="hidden" name="lang" value={lang} />
        {state.errors.form && (
          <p className="field-error" role="alert" data-testid="mail-trace-error">
            {t.formErrors[state.errors.form]}
          </p>
        )}
        <div className="field">
          <label htmlFor="trace-message-id">{t.messageIdLabel}</label>
          <input
            id="trace-message-id"
            name="messageId"
            type="text"
            required
            maxLength={1000}
            autoComplete="off"
            spellCheck={false}
            defaultValue={state.fields.messageId}
            aria-invalid={state.errors.messageId ? true : undefined}
            aria-describedby={state.errors.messageId ? 'trace-message-id-error' : 'trace-message-id-hint'}
          />
          <p id="trace-message-id-hint" className="hint">
            {t.messageIdHint}
          </p>
          {state.errors.messageId && (
            <p id="trace-message-id-error" className="field-error" role="alert">
              {t.messageIdErrors[state.errors.messageId]}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="trace-recipient">{t.recipientLabel}</label>
          <input
            id="trace-recipient"
            name="recipient"
            type="email"
            required
            maxLength={254}
            autoComplete="email"
            defaultValue={state.fields.recipient}
            aria-invalid={state.errors.recipient ? true : undefined}
            aria-describedby={state.errors.recipient ? 'trace-recipient-error' : 'trace-recipient-hint'}
          />
          <p id="trace-recipient-hint" className="hint">
            {t.recipientHint}
          </p>
          {state.errors.recipient && (
            <p id="trace-recipient-error" className="field-error" role="alert">
              {t.recipientErrors[state.errors.recipient]}
            </p>
          )}
        </div>
        {/* In a block of its own, as on the domain lookup: the button keeps its width instead of spanning the form. */}
        <div>
          <button type="submit" disabled={pending}>
            {t.submit}
          </button>
        </div>
      </form>
      {state.status === 'answer' && state.result && <TraceResult lang={lang} view={state.result} />}
    </>
  );
}
