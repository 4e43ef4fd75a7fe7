'use client';

import { useActionState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { registerWebhookAction, type WebhookFormState } from '../actions';
import { ComponentPicker } from './component-picker';

const initial: WebhookFormState = { status: 'idle', errors: {}, url: '' };

export function WebhookForm({ lang, groups }: { lang: Lang; groups: ComponentGroupDto[] }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(registerWebhookAction, initial);
  return (
    <form action={action} className="subscribe-form" noValidate data-testid="webhook-form">
      <input type="hidden" name="lang" value={lang} />
      <input type="hidden" name="noticeLang" value={lang} />
      {state.status === 'registered' && (
        <div className="form-success" role="status">
          <p>{t.webhookRegistered}</p>
          <dl>
            <dt>{t.webhookSecretLabel}</dt>
            <dd>
              <code data-testid="webhook-secret">{state.secret}</code>
            </dd>
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
            {t.errors[state.errors.url]}
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
