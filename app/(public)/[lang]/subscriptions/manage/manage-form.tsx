'use client';

import { useActionState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { ComponentPicker, type PickerValue } from '../../subscribe/_components/component-picker';
import { updateSubscriptionAction, type ManageFormState } from './actions';

export function ManageForm({ lang, token, groups, value, noticeLang }: { lang: Lang; token: string; groups: ComponentGroupDto[]; value: PickerValue; noticeLang: Lang }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(updateSubscriptionAction, { status: 'idle' } as ManageFormState);
  const error = state.error === 'link_invalid' ? t.linkInvalid : state.error ? t.errors[state.error] : undefined;
  return (
    <form action={action} className="subscribe-form" data-testid="manage-form">
      <input type="hidden" name="token" value={token} />
      {state.status === 'saved' && (
        <p className="form-success" role="status">
          {t.saved}
        </p>
      )}
      <div className="field">
        <label htmlFor="manage-lang">{t.languageLabel}</label>
        <select id="manage-lang" name="noticeLang" defaultValue={noticeLang}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </div>
      <ComponentPicker groups={groups} lang={lang} value={value} idPrefix="manage" error={error} />
      <button type="submit" disabled={pending}>
        {t.save}
      </button>
    </form>
  );
}
