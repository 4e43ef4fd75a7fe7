'use client';

import { useActionState } from 'react';
import type { TemplateWords } from '@/lib/i18n/admin-templates';
import { createTemplateAction, updateTemplateAction, type TemplateFormState } from './actions';

export interface TemplateFormLabels {
  words: TemplateWords;
  impacts: Record<string, string>;
  statuses: Record<string, string>;
}

/** One form for adding and editing a template; `initial` holds the stored values when editing. */
export function TemplateForm({ id, initial, labels }: { id?: string; initial?: Record<string, string>; labels: TemplateFormLabels }) {
  const [state, action, pending] = useActionState<TemplateFormState, FormData>(id ? updateTemplateAction : createTemplateAction, {});
  const t = labels.words;
  const v = state.values ?? initial ?? {};
  const f = state.fields ?? {};
  const field = (name: string) => ({ id: `tpl-${name}`, name, ...(f[name] ? { 'aria-invalid': true, 'aria-describedby': `tpl-${name}-error` } : {}) });
  const error = (name: string) =>
    f[name] ? (
      <p className="field-error" id={`tpl-${name}-error`}>
        {f[name]}
      </p>
    ) : null;
  return (
    <form action={action} className="stack" noValidate key={JSON.stringify(v)}>
      {id && <input type="hidden" name="id" value={id} />}
      {state.error && <p className="form-error">{state.error}</p>}
      {state.ok && (
        <p className="form-ok" role="status">
          {state.ok}
        </p>
      )}
      <div className="two-col">
        <div>
          <label htmlFor="tpl-name">{t.name}</label>
          <input {...field('name')} type="text" maxLength={100} required defaultValue={v.name} />
          {error('name')}
        </div>
        <div>
          <label htmlFor="tpl-kind">{t.kind}</label>
          <select {...field('kind')} defaultValue={v.kind ?? 'incident'}>
            <option value="incident">{t.kindIncident}</option>
            <option value="update">{t.kindUpdate}</option>
            <option value="maintenance">{t.kindMaintenance}</option>
          </select>
        </div>
      </div>
      <div className="two-col">
        <div>
          <label htmlFor="tpl-titleJa">{t.titleJa}</label>
          <input {...field('titleJa')} type="text" maxLength={200} defaultValue={v.titleJa} aria-describedby={f.titleJa ? 'tpl-titleJa-error' : 'tpl-title-hint'} />
          {error('titleJa')}
        </div>
        <div>
          <label htmlFor="tpl-titleEn">{t.titleEn}</label>
          <input {...field('titleEn')} type="text" maxLength={200} defaultValue={v.titleEn} aria-describedby={f.titleEn ? 'tpl-titleEn-error' : 'tpl-title-hint'} />
          {error('titleEn')}
        </div>
      </div>
      <p className="hint" id="tpl-title-hint">
        {t.titleHint}
      </p>
      <div className="two-col">
        <div>
          <label htmlFor="tpl-status">{t.status}</label>
          <select {...field('status')} defaultValue={v.status ?? ''}>
            <option value="">{t.none}</option>
            {['investigating', 'identified', 'monitoring', 'resolved'].map((s) => (
              <option key={s} value={s}>
                {labels.statuses[s] ?? s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="tpl-impact">{t.impact}</label>
          <select {...field('impact')} defaultValue={v.impact ?? ''}>
            <option value="">{t.none}</option>
            {Object.entries(labels.impacts).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="two-col">
        <div>
          <label htmlFor="tpl-bodyJa">{t.bodyJa}</label>
          <textarea {...field('bodyJa')} rows={6} maxLength={20_000} required defaultValue={v.bodyJa} />
          {error('bodyJa')}
        </div>
        <div>
          <label htmlFor="tpl-bodyEn">{t.bodyEn}</label>
          <textarea {...field('bodyEn')} rows={6} maxLength={20_000} required defaultValue={v.bodyEn} />
          {error('bodyEn')}
        </div>
      </div>
      <div>
        <button type="submit" disabled={pending}>
          {id ? t.save : t.create}
        </button>
      </div>
    </form>
  );
}
