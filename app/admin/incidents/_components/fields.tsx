'use client';

import type { ReactNode } from 'react';

/** A labelled control with its error right below it, tied together for screen readers. */
export function Field({ name, label, error, children }: { name: string; label: string; error?: string; children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode }) {
  const id = `f-${name}`;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {}) })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export interface ComponentOption {
  id: string;
  name: string;
  status: string;
}

/** One select per component: its new status, or unchanged. */
export function ComponentStatusChoices({ components, statusLabels, legend, unchanged, values }: { components: ComponentOption[]; statusLabels: Record<string, string>; legend: string; unchanged: string; values?: Record<string, string> }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="component-choices">
        {components.map((c) => (
          <label key={c.id}>
            <span>
              {c.name} <small>({statusLabels[c.status] ?? c.status})</small>
            </span>
            <select name={`component:${c.id}`} defaultValue={values?.[`component:${c.id}`] ?? ''}>
              <option value="">{unchanged}</option>
              {Object.entries(statusLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function ConfirmBox({ label, error, checked }: { label: string; error?: string; checked?: boolean }) {
  return (
    <div>
      <label>
        <input type="checkbox" name="confirm" value="yes" defaultChecked={checked} aria-describedby={error ? 'confirm-error' : undefined} /> {label}
      </label>
      {error && (
        <p className="field-error" id="confirm-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The Japanese and English message of an update, side by side. */
export function BilingualBodies({ labels, errors, values }: { labels: { bodyJa: string; bodyEn: string }; errors: Record<string, string>; values: Record<string, string> }) {
  return (
    <div className="two-col">
      <Field name="bodyJa" label={labels.bodyJa} error={errors.bodyJa}>
        {(p) => <textarea {...p} name="bodyJa" required defaultValue={values.bodyJa} />}
      </Field>
      <Field name="bodyEn" label={labels.bodyEn} error={errors.bodyEn}>
        {(p) => <textarea {...p} name="bodyEn" required defaultValue={values.bodyEn} />}
      </Field>
    </div>
  );
}
