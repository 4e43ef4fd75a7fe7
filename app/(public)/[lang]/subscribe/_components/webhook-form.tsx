'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { WEBHOOK_FORMATS } from '@/lib/chat/formats';
import { CHAT_FORM_WORDS } from '@/lib/i18n/chat-messages';
import { localePath, type Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { WebhookFormState } from '../actions';
import { CopyBox } from './copy-box';

// Webhook (Statuspage JSON) or chat channel: the form, or once registered a panel with what
// happens next and the values shown this once.
export function WebhookForm({ lang, state, action, pending, picker }: { lang: Lang; state: WebhookFormState; action: (form: FormData) => void; pending: boolean; picker: ReactNode }) {
  const t = subscribeMessages(lang);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.status === 'registered') panel.current?.focus();
  }, [state]);
  const chat = state.format !== 'statuspage';
  if (state.status === 'registered') {
    return (
      <div className="confirm-panel" role="status" tabIndex={-1} ref={panel} data-testid="webhook-registered">
        <h2>{chat ? t.chatRegisteredHeading : t.webhookRegisteredHeading}</h2>
        <p>{chat ? CHAT_FORM_WORDS.chatRegistered[lang] : t.webhookNext}</p>
        <p className="hint">{t.shownOnce}</p>
        <dl className="once-values">
          {chat ? (
            <>
              <dt id="webhook-shown-url-label">{CHAT_FORM_WORDS.formats[state.format][lang]}</dt>
              <dd>
                <code data-testid="webhook-shown-url">{state.shownUrl}</code>
              </dd>
            </>
          ) : (
            <>
              <dt id="webhook-secret-label">{t.webhookSecretLabel}</dt>
              <dd>
                <CopyBox value={state.secret ?? ''} testId="webhook-secret" copyLabel={t.copy} copiedLabel={t.copied} labelId="webhook-secret-label" />
              </dd>
            </>
          )}
          <dt id="webhook-manage-label">{t.webhookManageLabel}</dt>
          <dd>
            <CopyBox value={state.manageToken ?? ''} testId="webhook-manage-token" copyLabel={t.copy} copiedLabel={t.copied} labelId="webhook-manage-label" />
          </dd>
        </dl>
        <p>
          <a href={`${localePath(lang, '/subscribe')}?channel=webhook`}>{t.registerAnother}</a>
        </p>
      </div>
    );
  }
  const urlError = state.errors.url === 'not_platform_url' ? (state.format !== 'statuspage' ? CHAT_FORM_WORDS.notPlatformUrl[state.format][lang] : t.errors.invalid_url) : state.errors.url && t.errors[state.errors.url];
  return (
    <form action={action} className="subscribe-form" noValidate data-testid="webhook-form">
      <input type="hidden" name="lang" value={lang} />
      {state.errors.form && (
        <p className="form-error" role="alert">
          {t.errors[state.errors.form]}
        </p>
      )}
      {picker}
      <div className="field">
        <label htmlFor="webhook-format">{CHAT_FORM_WORDS.formatLabel[lang]}</label>
        <select id="webhook-format" name="format" defaultValue={state.format} aria-describedby="webhook-format-hint">
          {WEBHOOK_FORMATS.map((f) => (
            <option key={f} value={f}>
              {CHAT_FORM_WORDS.formats[f][lang]}
            </option>
          ))}
        </select>
        <p id="webhook-format-hint" className="hint">
          {CHAT_FORM_WORDS.formatHint[lang]}
        </p>
      </div>
      <div className="field">
        <label htmlFor="webhook-url">{t.webhookUrlLabel}</label>
        <input
          id="webhook-url"
          name="url"
          type="url"
          required
          maxLength={2000}
          defaultValue={state.url}
          aria-invalid={state.errors.url ? true : undefined}
          aria-describedby={state.errors.url ? 'webhook-url-error' : undefined}
        />
        {state.errors.url && (
          <p id="webhook-url-error" className="field-error" role="alert">
            {urlError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="webhook-lang">{t.languageLabel}</label>
        <select id="webhook-lang" name="noticeLang" defaultValue={lang}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {t.webhookSubmit}
        </button>
      </div>
    </form>
  );
}
