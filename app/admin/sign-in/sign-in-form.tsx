'use client';

import { useActionState } from 'react';
import type { AdminText } from '@/lib/i18n/admin';
import { signInAction, type SignInState } from './actions';

export function SignInForm({ t, notice }: { t: Pick<AdminText, 'email' | 'password' | 'signIn'>; notice?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="stack" noValidate data-testid="sign-in-form">
      {notice && <p className="form-ok">{notice}</p>}
      {state.error && (
        <p className="form-error" role="alert" id="sign-in-error">
          {state.error}
        </p>
      )}
      <div>
        <label htmlFor="email">{t.email}</label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} aria-describedby={state.error ? 'sign-in-error' : undefined} />
      </div>
      <div>
        <label htmlFor="password">{t.password}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {t.signIn}
        </button>
      </div>
    </form>
  );
}
