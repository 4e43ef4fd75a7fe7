'use client';

import { useActionState } from 'react';
import { createMaintenanceAction, type MaintenanceState } from './actions';

type Text = Record<'titleJa' | 'titleEn' | 'bodyJa' | 'bodyEn' | 'from' | 'until' | 'remind' | 'components' | 'confirm' | 'create' | 'notify', string>;

export function MaintenanceForm({ t, components, initial = {} }: { t: Text; components: { id: string; name: string }[]; initial?: Record<string, string> }) {
  const [state, action, pending] = useActionState<MaintenanceState, FormData>(createMaintenanceAction, {});
  const f = state.fields ?? {};
  const err = (name: string) =>
    f[name] ? (
      <p className="field-error" id={`m-${name}-error`}>
        {f[name]}
      </p>
    ) : null;
  const input = (name: keyof Text & string, type: string, extra: Record<string, unknown> = {}) => (
    <div>
      <label htmlFor={`m-${name}`}>{t[name as keyof Text]}</label>
      {type === 'textarea' ? (
        <textarea id={`m-${name}`} name={name} defaultValue={initial[name]} aria-invalid={Boolean(f[name]) || undefined} aria-describedby={f[name] ? `m-${name}-error` : undefined} />
      ) : (
        <input id={`m-${name}`} name={name} type={type} defaultValue={initial[name]} aria-invalid={Boolean(f[name]) || undefined} aria-describedby={f[name] ? `m-${name}-error` : undefined} {...extra} />
      )}
      {err(name)}
    </div>
  );
  return (
    <form action={action} className="stack" noValidate>
      <div className="two-col">
        {input('titleJa', 'text')}
        {input('titleEn', 'text')}
      </div>
      <div className="two-col">
        <div>
          <label htmlFor="m-scheduledFor">{t.from}</label>
          <input id="m-scheduledFor" name="scheduledFor" type="datetime-local" aria-describedby={f.scheduledFor ? 'm-scheduledFor-error' : undefined} />
          {err('scheduledFor')}
        </div>
        <div>
          <label htmlFor="m-scheduledUntil">{t.until}</label>
          <input id="m-scheduledUntil" name="scheduledUntil" type="datetime-local" aria-describedby={f.scheduledUntil ? 'm-scheduledUntil-error' : undefined} />
          {err('scheduledUntil')}
        </div>
      </div>
      <div>
        <label htmlFor="m-remindBeforeMinutes">{t.remind}</label>
        <input id="m-remindBeforeMinutes" name="remindBeforeMinutes" type="number" min={0} defaultValue={60} />
      </div>
      <fieldset aria-describedby={f.componentIds ? 'm-componentIds-error' : undefined}>
        <legend>{t.components}</legend>
        <div className="component-choices">
          {components.map((c) => (
            <label key={c.id}>
              <input type="checkbox" name="componentIds" value={c.id} /> {c.name}
            </label>
          ))}
        </div>
        {err('componentIds')}
      </fieldset>
      <div className="two-col">
        {input('bodyJa', 'textarea')}
        {input('bodyEn', 'textarea')}
      </div>
      <div>
        <label>
          <input type="checkbox" name="notify" value="yes" defaultChecked /> {t.notify}
        </label>
      </div>
      <div>
        <label>
          <input type="checkbox" name="confirm" value="yes" /> {t.confirm}
        </label>
        {err('confirm')}
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {t.create}
        </button>
      </div>
    </form>
  );
}
