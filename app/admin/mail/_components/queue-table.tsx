'use client';

import { useActionState } from 'react';
import type { QueuedMessageSummary } from '@/lib/mta/admin-client';
import { queueMessageAction, type MailState } from '../actions';

export type QueueLabels = Record<
  'id' | 'state' | 'from' | 'to' | 'age' | 'attempts' | 'nextAttempt' | 'lastError' | 'act' | 'bounce' | 'delete' | 'bounceReason' | 'confirm' | 'done' | 'empty' | 'seconds',
  string
>;

/** One waiting message and what staff can do about it: return it to its sender, or delete it. */
function QueueRow({ m, t }: { m: QueuedMessageSummary; t: QueueLabels }) {
  const [state, action, pending] = useActionState<MailState, FormData>(queueMessageAction, {});
  const formId = `queue-${m.id}`;
  return (
    <tr data-queue-id={m.id} data-state={m.state}>
      <td><code>{m.id}</code></td>
      <td>{m.state}</td>
      <td>{m.from || '<>'}</td>
      <td>{m.to.join(', ')}</td>
      <td>{m.age_s} {t.seconds}</td>
      <td>{m.attempts}</td>
      <td>{m.next_attempt_at ?? '—'}</td>
      <td className="wrap">{m.last_error ?? '—'}</td>
      <td>
        <form id={formId} action={action} className="stack compact" noValidate>
          {state.error && <p className="form-error" role="alert">{state.error}</p>}
          {state.ok && <p className="form-ok" role="status">{t.done}</p>}
          <input type="hidden" name="id" value={m.id} />
          <label>
            {t.bounceReason}
            <input name="reason" type="text" maxLength={300} defaultValue={state.values?.reason ?? ''} />
          </label>
          <label>
            <input type="checkbox" name="confirm" value="yes" defaultChecked={state.values?.confirm === 'yes'} /> {t.confirm}
          </label>
          <span className="inline-form">
            <button type="submit" name="action" value="bounce" disabled={pending} className="secondary">{t.bounce}</button>
            <button type="submit" name="action" value="delete" disabled={pending} className="danger">{t.delete}</button>
          </span>
        </form>
      </td>
    </tr>
  );
}

export function QueueTable({ messages, t }: { messages: QueuedMessageSummary[]; t: QueueLabels }) {
  if (messages.length === 0) return <p>{t.empty}</p>;
  return (
    <div className="table-scroll">
      <table className="queue-table">
        <thead>
          <tr>
            <th scope="col">{t.id}</th>
            <th scope="col">{t.state}</th>
            <th scope="col">{t.from}</th>
            <th scope="col">{t.to}</th>
            <th scope="col">{t.age}</th>
            <th scope="col">{t.attempts}</th>
            <th scope="col">{t.nextAttempt}</th>
            <th scope="col">{t.lastError}</th>
            <th scope="col">{t.act}</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <QueueRow key={m.id} m={m} t={t} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
