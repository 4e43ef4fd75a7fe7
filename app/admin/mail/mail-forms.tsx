'use client';

import { useActionState } from 'react';
import { blockAction, flushAction, scanPolicyAction, type MailState } from './actions';

function Result({ state, ok }: { state: MailState; ok: string }) {
  if (state.error) return <p className="form-error" role="alert">{state.error}</p>;
  if (state.ok) return <p className="form-ok" role="status">{ok}: {state.ok}</p>;
  return null;
}

export function BlockForm({ t }: { t: Record<'kind' | 'value' | 'reason' | 'block' | 'done' | 'client' | 'senderDomain' | 'helo', string> }) {
  const [state, action, pending] = useActionState<MailState, FormData>(blockAction, {});
  return (
    <form action={action} className="stack" noValidate>
      <Result state={state} ok={t.done} />
      <div className="two-col">
        <div>
          <label htmlFor="block-kind">{t.kind}</label>
          <select id="block-kind" name="kind" defaultValue="client">
            <option value="client">{t.client}</option>
            <option value="sender_domain">{t.senderDomain}</option>
            <option value="helo">{t.helo}</option>
          </select>
        </div>
        <div>
          <label htmlFor="block-value">{t.value}</label>
          <input id="block-value" name="value" type="text" required placeholder="198.51.100.0/24" />
        </div>
      </div>
      <div>
        <label htmlFor="block-reason">{t.reason}</label>
        <input id="block-reason" name="reason" type="text" required />
      </div>
      <div>
        <button type="submit" disabled={pending} className="danger">
          {t.block}
        </button>
      </div>
    </form>
  );
}

export function ScanPolicyForm({ current, t }: { current: string; t: Record<'policy' | 'reason' | 'note' | 'apply' | 'done' | 'enabled' | 'bypass' | 'auto', string> }) {
  const [state, action, pending] = useActionState<MailState, FormData>(scanPolicyAction, {});
  return (
    <form action={action} className="stack" noValidate>
      <Result state={state} ok={t.done} />
      <fieldset>
        <legend>{t.policy}</legend>
        {(['enabled', 'auto', 'bypass'] as const).map((p) => (
          <label key={p}>
            <input type="radio" name="policy" value={p} defaultChecked={current === p} /> {t[p]}
          </label>
        ))}
      </fieldset>
      <div>
        <label htmlFor="policy-reason">{t.reason}</label>
        <input id="policy-reason" name="reason" type="text" required />
      </div>
      <p className="hint">{t.note}</p>
      <div>
        <button type="submit" disabled={pending}>
          {t.apply}
        </button>
      </div>
    </form>
  );
}

export function FlushForm({ t }: { t: Record<'flush' | 'done', string> }) {
  const [state, action, pending] = useActionState<MailState, FormData>(flushAction, {});
  return (
    <form action={action} className="stack" noValidate>
      <Result state={state} ok={t.done} />
      <div>
        <button type="submit" disabled={pending} className="secondary">
          {t.flush}
        </button>
      </div>
    </form>
  );
}
