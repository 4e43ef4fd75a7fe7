'use client';

import { useActionState } from 'react';
import type { ApiKeyWords } from '@/lib/i18n/admin-api-keys';
import { createApiKeyAction, type CreateKeyState } from './actions';

export interface ComponentOption {
  id: string;
  label: string;
}

export function CreateKeyForm({ t, components }: { t: ApiKeyWords; components: ComponentOption[] }) {
  const [state, action, pending] = useActionState<CreateKeyState, FormData>(createApiKeyAction, {});
  return (
    <form action={action} className="stack">
      {state.error && <p className="form-error">{state.error}</p>}
      {state.key && (
        <div>
          <p>{t.newKey}</p>
          <p className="link-box" data-new-api-key>
            {state.key}
          </p>
        </div>
      )}
      <div className="two-col">
        <div>
          <label htmlFor="key-name">{t.name}</label>
          <input id="key-name" name="name" required maxLength={100} />
        </div>
        <div>
          <label htmlFor="key-role">{t.role}</label>
          <select id="key-role" name="role" defaultValue="editor">
            <option value="editor">{t.editorRole}</option>
            <option value="admin">{t.adminRole}</option>
          </select>
        </div>
      </div>
      <fieldset>
        <legend>{t.scope}</legend>
        <p className="hint">{t.scopeHint}</p>
        {components.map((c) => (
          <label key={c.id} className="inline">
            <input type="checkbox" name="components" value={c.id} /> {c.label}
          </label>
        ))}
      </fieldset>
      <div>
        <button type="submit" disabled={pending}>
          {t.create}
        </button>
      </div>
    </form>
  );
}
