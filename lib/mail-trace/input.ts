import { MAX_MESSAGE_ID, parseMessageId } from '#contracts/message-id';
import type { MailTraceFieldError } from '../i18n/mail-trace-messages';
import { checkEmail, MAX_ADDRESS } from '../subscribers/validation';

// What a customer typed into the mail trace form, checked before anything is counted or asked:
// both fields are needed, each gets its own error, and an enormous value is refused unread.

export type TraceInputErrors = { messageId?: MailTraceFieldError; recipient?: MailTraceFieldError };

export function checkTraceInput(raw: { messageId: string; recipient: string }): { ok: true; messageId: string; recipient: string } | { ok: false; errors: TraceInputErrors } {
  const errors: TraceInputErrors = {};
  const messageId = parseMessageId(raw.messageId.slice(0, MAX_MESSAGE_ID + 65));
  if (!messageId.ok) errors.messageId = messageId.error;
  const recipient = raw.recipient.length > MAX_ADDRESS * 4 ? ({ ok: false, error: 'too_long' } as const) : checkEmail(raw.recipient);
  if (!recipient.ok) errors.recipient = recipient.error === 'header_injection' ? 'invalid' : recipient.error;
  if (!messageId.ok || !recipient.ok) return { ok: false, errors };
  return { ok: true, messageId: messageId.value, recipient: recipient.email };
}
