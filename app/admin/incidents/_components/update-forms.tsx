'use client';

import { useActionState, useEffect, useRef, useState, useTransition } from 'react';
import { correctUpdateAction, draftReportAction, postUpdateAction, previewMarkdownAction, saveReportAction, type FormState } from '../actions';
import { SanitizedHtml } from '@/components/sanitized-html';
import type { SanitizedHtml as SanitizedHtmlText } from '@/lib/content/markdown';
import { BilingualBodies, ComponentStatusChoices, ConfirmBox, Field, type ComponentOption } from './fields';
import { NotifyChoice, type NotifyText } from './notify';

export interface UpdateFormText {
  status: string;
  bodyJa: string;
  bodyEn: string;
  components: string;
  unchanged: string;
  post: string;
  confirmCheck: string;
  statuses: Record<string, string>;
  componentStatuses: Record<string, string>;
}

export function UpdateForm({ incidentId, t, components, defaultStatus, notifyText, initial }: { incidentId: string; t: UpdateFormText; components: ComponentOption[]; defaultStatus: string; notifyText: NotifyText; initial?: Record<string, string> }) {
  const [state, action, pending] = useActionState<FormState, FormData>(postUpdateAction, {});
  const f = state.fields ?? {};
  // After a successful post the form starts empty; after an error it keeps what was typed.
  const v = state.ok ? {} : (state.values ?? initial ?? {});
  return (
    <form action={action} className="stack" noValidate key={JSON.stringify(v)}>
      <input type="hidden" name="incidentId" value={incidentId} />
      {state.ok && (
        <p className="form-ok" role="status">
          {state.ok}
        </p>
      )}
      <Field name="status" label={t.status} error={f.status}>
        {(p) => (
          <select {...p} name="status" defaultValue={v.status ?? defaultStatus}>
            {['investigating', 'identified', 'monitoring', 'resolved'].map((v) => (
              <option key={v} value={v}>
                {t.statuses[v]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ComponentStatusChoices components={components} statusLabels={t.componentStatuses} legend={t.components} unchanged={t.unchanged} values={v} />
      <BilingualBodies labels={t} errors={f} values={v} />
      <NotifyChoice t={notifyText} defaultChecked={v.notify !== undefined ? v.notify === 'yes' : true} />
      <ConfirmBox label={t.confirmCheck} error={f.confirm} checked={v.confirm === 'yes'} />
      <div>
        <button type="submit" disabled={pending}>
          {t.post}
        </button>
      </div>
    </form>
  );
}

export function CorrectionForm({ incidentId, updateId, bodyJa, bodyEn, t }: { incidentId: string; updateId: string; bodyJa: string; bodyEn: string; t: { bodyJa: string; bodyEn: string; correct: string; confirmCheck: string } }) {
  const [state, action, pending] = useActionState<FormState, FormData>(correctUpdateAction, {});
  const f = state.fields ?? {};
  const v = state.values ?? {};
  return (
    <form action={action} className="stack" noValidate>
      <input type="hidden" name="incidentId" value={incidentId} />
      <input type="hidden" name="updateId" value={updateId} />
      {state.ok && <p className="form-ok">{state.ok}</p>}
      <div className="two-col">
        <Field name={`bodyJa-${updateId}`} label={t.bodyJa} error={f.bodyJa}>
          {(p) => <textarea {...p} name="bodyJa" defaultValue={v.bodyJa ?? bodyJa} />}
        </Field>
        <Field name={`bodyEn-${updateId}`} label={t.bodyEn} error={f.bodyEn}>
          {(p) => <textarea {...p} name="bodyEn" defaultValue={v.bodyEn ?? bodyEn} />}
        </Field>
      </div>
      <ConfirmBox label={t.confirmCheck} error={f.confirm} />
      <div>
        <button type="submit" className="secondary" disabled={pending}>
          {t.correct}
        </button>
      </div>
    </form>
  );
}

/** Markdown with a live preview rendered by the site's own pipeline (on the server). */
function MarkdownWithPreview({ name, label, defaultValue, previewLabel }: { name: string; label: string; defaultValue: string; previewLabel: string }) {
  const [html, setHtml] = useState<SanitizedHtmlText | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = (value: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(async () => setHtml(await previewMarkdownAction(value)), 400);
  };
  useEffect(() => refresh(defaultValue), [defaultValue]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div>
      <label htmlFor={`f-${name}`}>{label}</label>
      <textarea id={`f-${name}`} name={name} className="report" defaultValue={defaultValue} onInput={(e) => refresh(e.currentTarget.value)} />
      <p>
        <strong>{previewLabel}</strong>
      </p>
      <SanitizedHtml className="preview prose" data-preview={name} aria-live="polite" html={html} />
    </div>
  );
}

export interface ReportEditorText {
  reportJa: string;
  reportEn: string;
  preview: string;
  saveReport: string;
  publishReport: string;
  confirmCheck: string;
  notifyReport: string;
  draftReport: string;
  draftReportHelp: string;
  drafted: string;
}

export function ReportEditor({ incidentId, reportJa, reportEn, t }: { incidentId: string; reportJa: string; reportEn: string; t: ReportEditorText }) {
  const [state, action, pending] = useActionState<FormState, FormData>(saveReportAction, {});
  // A draft from the data replaces what the editor holds (a new key starts the fields from it); saving stays with staff.
  const [draft, setDraft] = useState<{ ja: string; en: string; version: number; error?: string } | null>(null);
  const [drafting, startDrafting] = useTransition();
  const f = state.fields ?? {};
  const v = state.values ?? {};
  const requestDraft = () =>
    startDrafting(async () => {
      const result = await draftReportAction(incidentId);
      setDraft((before) => ('error' in result ? { ja: before?.ja ?? '', en: before?.en ?? '', version: before?.version ?? 0, error: result.error } : { ...result, version: (before?.version ?? 0) + 1 }));
    });
  const version = draft?.version ?? 0;
  return (
    <form action={action} className="stack report-editor" noValidate>
      <input type="hidden" name="incidentId" value={incidentId} />
      {state.ok && <p className="form-ok">{state.ok}</p>}
      {state.error && <p className="form-error">{state.error}</p>}
      <div className="row-actions">
        <button type="button" className="secondary" data-action="draft-report" onClick={requestDraft} disabled={drafting || pending}>
          {t.draftReport}
        </button>
        <span className="hint">{t.draftReportHelp}</span>
      </div>
      {draft?.error && <p className="form-error">{draft.error}</p>}
      {version > 0 && !draft?.error && (
        <p className="form-ok" role="status">
          {t.drafted}
        </p>
      )}
      <div className="two-col">
        <MarkdownWithPreview key={`ja-${version}`} name="reportJa" label={t.reportJa} defaultValue={version > 0 ? draft!.ja : (v.reportJa ?? reportJa)} previewLabel={t.preview} />
        <MarkdownWithPreview key={`en-${version}`} name="reportEn" label={t.reportEn} defaultValue={version > 0 ? draft!.en : (v.reportEn ?? reportEn)} previewLabel={t.preview} />
      </div>
      <label>
        <input type="checkbox" name="notify" value="yes" defaultChecked={v.notify !== undefined ? v.notify === 'yes' : true} /> {t.notifyReport}
      </label>
      <ConfirmBox label={t.confirmCheck} error={f.confirm} checked={v.confirm === 'yes'} />
      <div className="row-actions">
        <button type="submit" name="intent" value="save" className="secondary" disabled={pending}>
          {t.saveReport}
        </button>
        <button type="submit" name="intent" value="publish" disabled={pending}>
          {t.publishReport}
        </button>
      </div>
    </form>
  );
}
