import 'server-only';
import type { TraceAnswer } from '#contracts/mta-admin-api';
import { env } from '../env';
import { mta, MtaError } from '../mta/admin-client';
import { takeSlot } from '../subscribers/rate-limit';
import { checkTraceInput, type TraceInputErrors } from './input';

// "Where is my mail?": a customer's lookup, from what they typed to the MTA's answer. Every lookup
// counts against the client's hourly allowance, well-formed or not, before the MTA is asked, so a
// flood of guesses is refused early. Nothing of the lookup is logged.

export type TraceOutcome =
  | { kind: 'invalid'; errors: TraceInputErrors }
  | { kind: 'rate_limited' }
  | { kind: 'unavailable' }
  | { kind: 'answer'; trace: TraceAnswer };

export const MAIL_TRACE_WINDOW_SECONDS = 3600;

export async function lookUpMail(raw: { messageId: string; recipient: string }, clientAddress: string): Promise<TraceOutcome> {
  if (!(await takeSlot(`mail-trace:ip:${clientAddress}`, env.MAIL_TRACE_LIMIT_PER_IP_PER_HOUR, MAIL_TRACE_WINDOW_SECONDS))) return { kind: 'rate_limited' };
  const input = checkTraceInput(raw);
  if (!input.ok) return { kind: 'invalid', errors: input.errors };
  try {
    return { kind: 'answer', trace: await mta.traceMessage(input.messageId, input.recipient) };
  } catch (error) {
    // Unreachable, refusing the token, or too old to know /api/trace: the page says it cannot tell,
    // never "not seen", which would be a wrong answer.
    if (error instanceof MtaError) return { kind: 'unavailable' };
    throw error;
  }
}
