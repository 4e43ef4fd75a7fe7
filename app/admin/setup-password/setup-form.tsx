'use client';

import { useActionState } from 'react';
import { setupPasswordAction, type SetupState } from './actions';

export function SetupForm({ token, email, labels }: { token: string; email: string; labels: { password: string; submit: string } }) {
  const [state, action, pending] = useActionState<SetupState, FormData>(setupPasswordAction, {});
  return (
    <form action={action} className="stack" noValidate>
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div>
        <label htmlFor="password">{labels.password}</label>
        <input id="password" name="password" type="password" autoComplete="new-password" minLength={12} required aria-describedby={state.error ? 'setup-error' : undefined} />
        {state.error && (
          <p className="field-error" role="alert" id="setup-error">
            {state.error}
          </p>
        )}
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {labels.submit}
        </button>
      </div>
    </form>
  );
}
