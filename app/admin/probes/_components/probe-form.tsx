'use client';

import { useActionState, useState } from 'react';
import type { ProbeWords } from '@/lib/i18n/admin-probes';
import { DNS_RECORD_TYPES, FAILURE_STATUSES, PROBE_KINDS, type ProbeKind } from '@/lib/probes/kinds';
import { runProblemText, storedRunProblem } from '@/lib/probes/run-problems';
import { probeFormAction, type ProbeFormState } from '../actions';

export interface ProbeFormLabels {
  words: ProbeWords;
  statuses: Record<string, string>;
  kinds: Record<ProbeKind, string>;
  lang: 'ja' | 'en';
}

export interface ComponentOption {
  id: string;
  slug: string;
  name: string;
}

/** One form for adding and editing a probe, with "test now"; `initial` holds the stored values when editing. */
export function ProbeForm({ id, initial, components, labels, hasPassword = false }: { id?: string; initial: Record<string, string>; components: ComponentOption[]; labels: ProbeFormLabels; hasPassword?: boolean }) {
  const [state, action, pending] = useActionState<ProbeFormState, FormData>(probeFormAction, {});
  const t = labels.words;
  const v = state.values ?? initial;
  const f = state.fields ?? {};
  const [kind, setKind] = useState<ProbeKind>((v.kind as ProbeKind) || 'http');
  const [componentId, setComponentId] = useState(v.componentId ?? components[0]?.id ?? '');
  const field = (name: string) => ({ id: `probe-${name}`, name, ...(f[name] ? { 'aria-invalid': true, 'aria-describedby': `probe-${name}-error` } : {}) });
  const error = (name: string) =>
    f[name] ? (
      <p className="field-error" id={`probe-${name}-error`}>
        {f[name]}
      </p>
    ) : null;
  const text = (name: string, label: string, extra: Record<string, unknown> = {}) => (
    <div>
      <label htmlFor={`probe-${name}`}>{label}</label>
      <input {...field(name)} type="text" defaultValue={v[name] ?? ''} {...extra} />
      {error(name)}
    </div>
  );
  const checkbox = (name: string, label: string, checkedByDefault: boolean) => (
    <div>
      <label>
        <input type="checkbox" name={name} defaultChecked={v[name] === undefined ? checkedByDefault : v[name] === 'on'} /> {label}
      </label>
    </div>
  );
  const mail = kind === 'smtp' || kind === 'imap' || kind === 'pop3';
  const testProblem = state.test ? storedRunProblem(state.test.detail) : null;
  const { problem: _problem, ...testDetail } = state.test?.detail ?? {};
  return (
    <form action={action} className="stack" noValidate key={JSON.stringify(state.values ?? null)} data-testid="probe-form">
      {id && <input type="hidden" name="id" value={id} />}
      <input type="hidden" name="componentSlug" value={components.find((c) => c.id === componentId)?.slug ?? ''} />
      {state.error && (
        <p className="form-error" role="alert">
          {state.error}
        </p>
      )}
      {state.ok && (
        <p className="form-ok" role="status">
          {state.ok}
        </p>
      )}
      {state.test && (
        <div role="status" data-testid="probe-test-result" className={state.test.ok ? 'form-ok' : 'form-error'}>
          <strong>{t.testResult}: </strong>
          {state.test.ok ? t.ok : t.failed} ({Math.round(state.test.latencyMs)} ms)
          {state.test.error ? ` — ${testProblem ? runProblemText(testProblem, labels.lang) : state.test.error}` : ''}
          {Object.keys(testDetail).length > 0 && <code> {JSON.stringify(testDetail)}</code>}
        </div>
      )}
      <div className="two-col">
        <div>
          <label htmlFor="probe-componentId">{t.component}</label>
          <select {...field('componentId')} value={componentId} onChange={(e) => setComponentId(e.target.value)}>
            {components.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {error('componentId')}
        </div>
        {text('name', t.name, { maxLength: 100 })}
      </div>
      <div className="two-col">
        <div>
          <label htmlFor="probe-kind">{t.kind}</label>
          <select {...field('kind')} value={kind} onChange={(e) => setKind(e.target.value as ProbeKind)}>
            {PROBE_KINDS.map((k) => (
              <option key={k} value={k}>
                {labels.kinds[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="probe-target">{t.target}</label>
          <input {...field('target')} type="text" maxLength={2000} defaultValue={v.target ?? ''} aria-describedby={f.target ? 'probe-target-error' : 'probe-target-hint'} />
          <p className="hint" id="probe-target-hint">
            {t.targetHint}
          </p>
          {error('target')}
        </div>
      </div>

      {kind === 'http' && (
        <fieldset>
          <legend>HTTP(S)</legend>
          <div className="two-col">
            {text('expectStatus', t.expectStatus, { placeholder: '200-399' })}
            {text('certMinDays', t.certMinDays, { inputMode: 'numeric' })}
          </div>
          <div className="two-col">
            {text('keyword', t.keyword, { maxLength: 500 })}
            {checkbox('keywordAbsent', t.keywordAbsent, false)}
          </div>
          {checkbox('tlsVerify', t.tlsVerify, true)}
        </fieldset>
      )}
      {kind === 'dns' && (
        <fieldset>
          <legend>DNS</legend>
          <div className="two-col">
            <div>
              <label htmlFor="probe-recordType">{t.recordType}</label>
              <select {...field('recordType')} defaultValue={v.recordType ?? 'A'}>
                {DNS_RECORD_TYPES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
            {text('expected', t.expected, { maxLength: 500 })}
          </div>
          {text('resolver', t.resolver, { placeholder: '192.0.2.53:53' })}
        </fieldset>
      )}
      {mail && (
        <fieldset>
          <legend>{kind.toUpperCase()}</legend>
          <div className="two-col">
            <div>
              <label htmlFor="probe-tls">{t.tls}</label>
              <select {...field('tls')} defaultValue={v.tls ?? 'none'}>
                <option value="none">{t.tlsNone}</option>
                <option value="starttls">{t.tlsStarttls}</option>
                <option value="implicit">{t.tlsImplicit}</option>
              </select>
            </div>
            {checkbox('tlsVerify', t.tlsVerify, true)}
          </div>
          <div className="two-col">
            {text('user', t.user, { maxLength: 320, autoComplete: 'off' })}
            <div>
              <label htmlFor="probe-password">{t.password}</label>
              {/* Never filled in: a stored password is not sent back to the browser. */}
              <input {...field('password')} type="password" autoComplete="new-password" defaultValue="" aria-describedby={hasPassword ? 'probe-password-hint' : undefined} />
              {hasPassword && (
                <p className="hint" id="probe-password-hint">
                  {t.passwordKept}
                </p>
              )}
              {error('password')}
            </div>
          </div>
        </fieldset>
      )}

      <div className="two-col">
        {text('intervalS', t.interval, { inputMode: 'numeric' })}
        {text('timeoutS', t.timeout, { inputMode: 'numeric' })}
      </div>
      <div className="two-col">
        {text('confirmations', t.confirmations, { inputMode: 'numeric' })}
        {text('degradedAboveMs', t.degradedAboveMs, { inputMode: 'numeric' })}
      </div>
      <div className="two-col">
        <div>
          <label htmlFor="probe-failureStatus">{t.failureStatus}</label>
          <select {...field('failureStatus')} defaultValue={v.failureStatus ?? 'major_outage'}>
            {FAILURE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {labels.statuses[s] ?? s}
              </option>
            ))}
          </select>
        </div>
        {text('locations', t.locations, { maxLength: 800 })}
      </div>
      {checkbox('enabled', t.enabled, true)}
      <div className="button-row">
        <button type="submit" name="intent" value="save" disabled={pending}>
          {id ? t.save : t.add}
        </button>{' '}
        <button type="submit" name="intent" value="test" className="secondary" disabled={pending}>
          {t.testNow}
        </button>
      </div>
    </form>
  );
}
