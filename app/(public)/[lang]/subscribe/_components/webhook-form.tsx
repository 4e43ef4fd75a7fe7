'use client';

import { useActionState } from 'react';
import { WEBHOOK_FORMATS } from '@/lib/chat/formats';
import { CHAT_FORM_WORDS } from '@/lib/i18n/chat-messages';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { registerWebhookAction, type WebhookFormState } from '../actions';
import { ComponentPicker } from './component-picker';

const initial: WebhookFormState = { status: 'idle', errors: {}, url: '', format: 'statuspage' };

export function WebhookForm({ lang, groups }: { lang: Lang; groups: ComponentGroupDto[] }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(registerWebhookAction, initial);
  const chat = state.format !== 'statuspage';
  const urlError = state.errors.url === 'not_platform_url' ? (state.format !== 'statuspage' ? CHAT_FORM_WORDS.notPlatformUrl[state.format][lang] : t.errors.invalid_url) : state.errors.url && t.errors[state.errors.url];
  return (
    <form action={action} className="subscribe-form" noValidate data-testid="webhook-form">
      <input type="hidden" name="lang" value={lang} />
      <input type="hidden" name="noticeLang" value={lang} />
      {state.status === 'registered' && (
        <div className="form-success" role="status">
          <p>{chat ? CHAT_FORM_WORDS.chatRegistered[lang] : t.webhookRegistered}</p>
          <dl>
            {chat ? (
              <>
                <dt>{CHAT_FORM_WORDS.formats[state.format][lang]}</dt>
                <dd>
                  <code data-testid="webhook-shown-url">{state.shownUrl}</code>
                </dd>
              </>
            ) : (
              <>
                <dt>{t.webhookSecretLabel}</dt>
                <dd>
                  <code data-testid="webhook-secret">{state.secret}</code>
                </dd>
              </>
            )}
            <dt>{t.webhookManageLabel}</dt>
            <dd>
              <code data-testid="webhook-manage-token">{state.manageToken}</code>
            </dd>
          </dl>
        </div>
      )}
      {state.errors.form && (
        <p className="field-error" role="alert">
          {t.errors[state.errors.form]}
        </p>
      )}
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
      <ComponentPicker groups={groups} lang={lang} value={{ all: true, components: [], groups: [] }} idPrefix="webhook" error={state.errors.components ? t.errors[state.errors.components] : undefined} />
      <button type="submit" disabled={pending}>
        {t.webhookSubmit}
      </button>
    </form>
  );
}
