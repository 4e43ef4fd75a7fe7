'use server';

import { clientIp } from '@/lib/http/client-address';
import type { MailTraceFieldError, MailTraceFormError } from '@/lib/i18n/mail-trace-messages';
import { isLang, type Lang } from '@/lib/i18n/locales';
import { lookUpMail } from '@/lib/mail-trace/lookup';
import { traceView, type TraceView } from '@/lib/mail-trace/view';

export interface TraceFormState {
  status: 'idle' | 'error' | 'answer';
  errors: { messageId?: MailTraceFieldError; recipient?: MailTraceFieldError; form?: MailTraceFormError };
  /** What was typed, shown again in the form (cut to what a valid value can be). */
  fields: { messageId: string; recipient: string };
  result?: TraceView;
}

// A POST (the form's server action), so that Message-IDs and addresses never end up in a URL, a
// browser history or an access log.
export async function traceMailAction(_previous: TraceFormState, form: FormData): Promise<TraceFormState> {
  const lang: Lang = isLang(String(form.get('lang') ?? '')) ? (String(form.get('lang')) as Lang) : 'ja';
  const messageId = String(form.get('messageId') ?? '');
  const recipient = String(form.get('recipient') ?? '');
  const fields = { messageId: messageId.slice(0, 1000), recipient: recipient.slice(0, 300) };
  const outcome = await lookUpMail({ messageId, recipient }, await clientIp());
  switch (outcome.kind) {
    case 'invalid':
      return { status: 'error', errors: outcome.errors, fields };
    case 'rate_limited':
    case 'unavailable':
      return { status: 'error', errors: { form: outcome.kind }, fields };
    case 'answer':
      return { status: 'answer', errors: {}, fields, result: traceView(outcome.trace, lang) };
  }
}
