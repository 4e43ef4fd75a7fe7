'use client';

import { useActionState, useEffect, useRef, useState } from 'react';
import type { Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import type { ComponentGroupDto } from '@/lib/status/dto';
import { followedLines, type PickerValue } from '../../subscribe/_components/choice-summary';
import { ComponentPicker } from '../../subscribe/_components/component-picker';
import { updateSubscriptionAction, type ManageFormState } from './actions';

// What the subscription follows now, then the same picker as the subscribe page. A save is
// confirmed in a panel that names what is followed from then on.
export function ManageForm({ lang, token, groups, value, noticeLang }: { lang: Lang; token: string; groups: ComponentGroupDto[]; value: PickerValue; noticeLang: Lang }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(updateSubscriptionAction, { status: 'idle' } as ManageFormState);
  const [picked, setPicked] = useState<PickerValue>(value);
  // The choice as last sent: what the subscription follows once the save is confirmed.
  const sent = useRef<PickerValue>(value);
  const [following, setFollowing] = useState<PickerValue>(value);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.status !== 'saved') return;
    setFollowing(sent.current);
    panel.current?.focus();
  }, [state]);
  const error = state.error === 'link_invalid' ? t.linkInvalid : state.error ? t.errors[state.error] : undefined;
  return (
    <>
      {state.status === 'saved' && (
        <div className="confirm-panel" role="status" tabIndex={-1} ref={panel} data-testid="manage-saved">
          <h2>{t.savedHeading}</h2>
          <p>{t.saved}</p>
        </div>
      )}
      <section aria-labelledby="following-heading" className="following">
        <h2 id="following-heading">{t.followingHeading}</h2>
        <ul data-testid="following">
          {followedLines(groups, following, lang).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      <form
        action={action}
        onSubmit={() => {
          sent.current = picked;
        }}
        className="subscribe-form"
        data-testid="manage-form"
      >
        <input type="hidden" name="token" value={token} />
        <ComponentPicker groups={groups} lang={lang} value={picked} onChange={setPicked} idPrefix="manage" error={error} />
        <div className="field">
          <label htmlFor="manage-lang">{t.languageLabel}</label>
          <select id="manage-lang" name="noticeLang" defaultValue={noticeLang}>
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </div>
        <div>
          <button type="submit" disabled={pending}>
            {t.save}
          </button>
        </div>
      </form>
    </>
  );
}
