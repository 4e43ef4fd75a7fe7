'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { localePath, type Lang } from '@/lib/i18n/locales';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { confirmAction, type ConfirmState } from './actions';

// Confirming takes a button press, not just opening the link: mail scanners open links too. The
// page renders this component in every state, so that after a press without JavaScript the
// action's answer ("confirmed", or "already confirmed" for a second press) is what it shows.
export function ConfirmForm({ lang, token, initial }: { lang: Lang; token: string; initial: ConfirmState['status'] }) {
  const t = subscribeMessages(lang);
  const [state, action, pending] = useActionState(confirmAction, { status: initial } as ConfirmState);
  const manage = state.manageToken ? `${localePath(lang, '/subscriptions/manage')}?token=${encodeURIComponent(state.manageToken)}` : null;
  switch (state.status) {
    case 'pending':
      return (
        <form action={action} data-testid="confirm-form">
          <input type="hidden" name="token" value={token} />
          <p>{t.confirmQuestion}</p>
          <button type="submit" disabled={pending}>
            {t.confirmButton}
          </button>
        </form>
      );
    case 'confirmed':
    case 'already_confirmed':
      return (
        <div className="confirm-panel">
          <p role="status" data-testid="confirmed">
            {state.status === 'confirmed' ? t.confirmed : t.alreadyConfirmed}
          </p>
          {manage && (
            <p>
              <Link href={manage}>{t.manageLink}</Link>
            </p>
          )}
        </div>
      );
    default:
      return (
        <p className="form-error" role="alert" data-testid="confirm-error">
          {state.status === 'expired' ? t.confirmExpired : t.confirmInvalid}
        </p>
      );
  }
}
