import 'server-only';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { errorBody, mtaAdminApi, pathOf, type BlocklistKind, type CallOf, type JsonEndpointName, type ResponseOf, type ScanPolicy } from '#contracts/mta-admin-api';
import { env } from '../env';

// The console talks to the MTA over its admin API only, so an MTA on another host works the same.
// Requests and answers follow the API's contract (contracts/mta-admin-api.ts), which the MTA
// itself is built on: an answer that does not fit it is an error naming the field, never a guess.

export { AUTO_BLOCK_ACTOR, type BlocklistEntry, type QueuedMessageSummary } from '#contracts/mta-admin-api';
export type QueueSummary = ResponseOf<'queue'>;
export type BlocklistListing = ResponseOf<'blocklist'>;
export type ScanPolicyState = ResponseOf<'scanPolicy'>;
export type MtaEvent = ResponseOf<'events'>['events'][number];

export class MtaError extends Error {
  constructor(
    message: string,
    public readonly status: number,
    /** The admin API's error code (not_found, busy, invalid_request …) when the MTA gave one. */
    public readonly code?: string,
  ) {
    super(message);
  }
}

function adminToken(): string | null {
  if (env.MTA_ADMIN_TOKEN) return env.MTA_ADMIN_TOKEN;
  try {
    return readFileSync(path.join(env.DATA_DIR, 'mta', 'admin-token'), 'utf8').trim();
  } catch {
    return null;
  }
}

async function call<N extends JsonEndpointName>(name: N, input: CallOf<N>): Promise<ResponseOf<N>> {
  const spec = mtaAdminApi[name];
  const token = adminToken();
  if (!token) throw new MtaError('the MTA admin token is not configured (MTA_ADMIN_TOKEN or data/mta/admin-token)', 503);
  const query = input.query ? `?${new URLSearchParams(input.query as Record<string, string>)}` : '';
  const body = input.body === undefined ? undefined : JSON.stringify(input.body);
  let res: Response;
  try {
    res = await fetch(new URL(pathOf(name, input.params) + query, env.MTA_ADMIN_URL), {
      method: spec.method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
      signal: AbortSignal.timeout(5000),
      cache: 'no-store',
    });
  } catch {
    throw new MtaError(`the MTA admin API at ${env.MTA_ADMIN_URL} does not answer`, 503);
  }
  const data = (await res.json().catch(() => undefined)) as unknown;
  if (!(spec.success as readonly number[]).includes(res.status)) {
    const error = errorBody.safeParse(data);
    throw error.success ? new MtaError(error.data.message, res.status, error.data.error) : new MtaError(`the MTA answered ${res.status} to ${spec.method} ${spec.path}`, res.status);
  }
  const answer = (spec.response as z.ZodType).safeParse(data);
  if (!answer.success) {
    const issue = answer.error.issues[0]!;
    throw new MtaError(`the MTA's answer to ${spec.method} ${spec.path} does not fit the admin API (${issue.path.join('.') || 'body'}: ${issue.message}); is the MTA at ${env.MTA_ADMIN_URL} another version?`, 502, 'unexpected_answer');
  }
  return answer.data as ResponseOf<N>;
}

export const mta = {
  queue: () => call('queue', { query: { limit: '200' } }),
  blocklist: () => call('blocklist', {}),
  block: (kind: BlocklistKind, value: string, reason: string, actor: string) => call('block', { body: { kind, value, reason, actor } }),
  unblock: (id: number, actor: string) => call('unblock', { params: { id }, query: { actor } }),
  scanPolicy: () => call('scanPolicy', {}),
  /** Where a message is for one recipient (the public mail trace page); both values go in the body, never the URL. */
  traceMessage: (messageId: string, recipient: string) => call('traceMessage', { body: { message_id: messageId, recipient } }),
  setScanPolicy: (policy: ScanPolicy, reason: string, actor: string) => call('setScanPolicy', { body: { policy, reason, actor } }),
  flush: (actor: string) => call('flush', { body: { actor } }),
  deleteMessage: (id: string, actor: string) => call('deleteMessage', { params: { id }, query: { actor } }),
  bounceMessage: (id: string, reason: string, actor: string) => call('bounceMessage', { params: { id }, body: { reason, actor } }),
  /** The MTA's event log, newest first (at most 1000). */
  events: (limit = 1000, kind?: string) => call('events', { query: { limit: String(limit), ...(kind ? { kind } : {}) } }),
};
