'use client';

import { useActionState } from 'react';
import { inviteStaffAction, type InviteState } from './actions';

export function InviteForm({ t }: { t: { email: string; role: string; invite: string; inviteLink: string } }) {
  const [state, action, pending] = useActionState<InviteState, FormData>(inviteStaffAction, {});
  return (
    <form action={action} className="stack">
      {state.error && <p className="form-error">{state.error}</p>}
      {state.link && (
        <div>
          <p>{t.inviteLink}</p>
          <p className="link-box" data-setup-link>
            {state.link}
          </p>
        </div>
      )}
      <div className="two-col">
        <div>
          <label htmlFor="invite-email">{t.email}</label>
          <input id="invite-email" name="email" type="email" required />
        </div>
        <div>
          <label htmlFor="invite-role">{t.role}</label>
          <select id="invite-role" name="role" defaultValue="editor">
            <option value="editor">editor</option>
            <option value="admin">admin</option>
          </select>
        </div>
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {t.invite}
        </button>
      </div>
    </form>
  );
}
