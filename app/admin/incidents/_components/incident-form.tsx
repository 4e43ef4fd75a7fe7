'use client';

import { useActionState } from 'react';
import { createIncidentAction, type FormState } from '../actions';
import { BilingualBodies, ComponentStatusChoices, ConfirmBox, Field, type ComponentOption } from './fields';
import { NotifyChoice, type NotifyText } from './notify';

export interface IncidentFormText {
  titleJa: string;
  titleEn: string;
  bodyJa: string;
  bodyEn: string;
  impact: string;
  status: string;
  components: string;
  unchanged: string;
  publishNow: string;
  saveDraft: string;
  create: string;
  confirmCheck: string;
  impacts: Record<string, string>;
  statuses: Record<string, string>;
  componentStatuses: Record<string, string>;
}

export function IncidentForm({ t, components, notifyText, initial }: { t: IncidentFormText; components: ComponentOption[]; notifyText: NotifyText; initial?: Record<string, string> }) {
  const [state, action, pending] = useActionState<FormState, FormData>(createIncidentAction, {});
  const f = state.fields ?? {};
  // A template (initial) fills the form until the first submit; then what was submitted does.
  const v = state.values ?? initial ?? {};
  return (
    // Remounted with the submitted values, so selects too come back as they were (React resets forms after an action).
    <form action={action} className="stack" noValidate key={JSON.stringify(v)}>
      {state.error && <p className="form-error">{state.error}</p>}
      <div className="two-col">
        <Field name="titleJa" label={t.titleJa} error={f.titleJa}>
          {(p) => <input {...p} name="titleJa" type="text" maxLength={200} required defaultValue={v.titleJa} />}
        </Field>
        <Field name="titleEn" label={t.titleEn} error={f.titleEn}>
          {(p) => <input {...p} name="titleEn" type="text" maxLength={200} required defaultValue={v.titleEn} />}
        </Field>
      </div>
      <div className="two-col">
        <Field name="impact" label={t.impact} error={f.impact}>
          {(p) => (
            <select {...p} name="impact" defaultValue={v.impact ?? 'minor'}>
              {Object.entries(t.impacts).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="status" label={t.status} error={f.status}>
          {(p) => (
            <select {...p} name="status" defaultValue={v.status ?? 'investigating'}>
              {['investigating', 'identified', 'monitoring'].map((v) => (
                <option key={v} value={v}>
                  {t.statuses[v]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ComponentStatusChoices components={components} statusLabels={t.componentStatuses} legend={t.components} unchanged={t.unchanged} values={v} />
      <BilingualBodies labels={t} errors={f} values={v} />
      <fieldset>
        <legend>{t.publishNow}</legend>
        <label>
          <input type="radio" name="publish" value="now" defaultChecked={(v.publish ?? 'now') === 'now'} /> {t.publishNow}
        </label>
        <label>
          <input type="radio" name="publish" value="draft" defaultChecked={v.publish === 'draft'} /> {t.saveDraft}
        </label>
      </fieldset>
      <NotifyChoice t={notifyText} defaultChecked={v.notify !== undefined ? v.notify === 'yes' : true} />
      <ConfirmBox label={t.confirmCheck} error={f.confirm} checked={v.confirm === 'yes'} />
      <div>
        <button type="submit" disabled={pending}>
          {t.create}
        </button>
      </div>
    </form>
  );
}
