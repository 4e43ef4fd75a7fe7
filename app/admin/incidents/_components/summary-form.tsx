'use client';

import { useActionState } from 'react';
import { saveSummaryAction, type FormState } from '../actions';
import { ConfirmBox, Field } from './fields';

export interface SummaryFormText {
  summaryJa: string;
  summaryEn: string;
  summaryHelp: string;
  saveSummary: string;
  confirmCheck: string;
}

/** The incident's summary (概要) in both languages, as its public page shows it. */
export function SummaryForm({ incidentId, summaryJa, summaryEn, t }: { incidentId: string; summaryJa: string; summaryEn: string; t: SummaryFormText }) {
  const [state, action, pending] = useActionState<FormState, FormData>(saveSummaryAction, {});
  const f = state.fields ?? {};
  const v = state.values ?? {};
  return (
    <form action={action} className="stack" noValidate data-testid="summary-form">
      <input type="hidden" name="incidentId" value={incidentId} />
      <p className="hint">{t.summaryHelp}</p>
      {state.ok && (
        <p className="form-ok" role="status">
          {state.ok}
        </p>
      )}
      <div className="two-col">
        <Field name="summaryJa" label={t.summaryJa} error={f.summaryJa}>
          {(p) => <textarea {...p} name="summaryJa" maxLength={2000} defaultValue={v.summaryJa ?? summaryJa} />}
        </Field>
        <Field name="summaryEn" label={t.summaryEn} error={f.summaryEn}>
          {(p) => <textarea {...p} name="summaryEn" maxLength={2000} defaultValue={v.summaryEn ?? summaryEn} />}
        </Field>
      </div>
      <ConfirmBox label={t.confirmCheck} error={f.confirm} checked={v.confirm === 'yes'} />
      <div>
        <button type="submit" className="secondary" disabled={pending}>
          {t.saveSummary}
        </button>
      </div>
    </form>
  );
}
