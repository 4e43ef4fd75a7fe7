import 'server-only';
import { env } from '../env';
import type { OutboxTable } from '../outbox/adapter';
import { openOutbox, type Claimed, type Outbox } from '../outbox/outbox';

// The webhook outbox: one WebhookDelivery row per endpoint and event (confirmation requests
// included), claimed and recorded by the outbox (lib/outbox) as mail is. A POST has no moment like
// SMTP's final dot after which the receiver is known to have it, so there is no hand-over: after a
// crash a delivery may be posted again, and the X-Tayori-Delivery header lets the receiver notice.

export interface WebhookCopyRow {
  kind: string;
  /** The JSON body, fixed when the row was created: a retry sends the same bytes. */
  payload: string;
  /** format: statuspage (signed) or a chat platform (lib/chat/formats.ts). */
  endpoint: { id: string; url: string; secret: string; status: string; format: string };
}

export type ClaimedWebhook = Claimed<WebhookCopyRow>;

export const WEBHOOK_DELIVERIES: OutboxTable<WebhookCopyRow> = {
  name: 'WebhookDelivery',
  sentAtColumn: 'deliveredAt',
  columns: ['kind', 'payload', 'endpointId'],
  owner: { table: 'WebhookEndpoint', key: 'endpointId', columns: ['id', 'url', 'secret', 'status', 'format'] },
  toRow: (row, endpoint) => ({
    kind: row.kind as string,
    payload: row.payload as string,
    endpoint: {
      id: endpoint.id as string,
      url: endpoint.url as string,
      secret: endpoint.secret as string,
      status: endpoint.status as string,
      format: (endpoint.format as string | null) ?? 'statuspage',
    },
  }),
};

/** The worker's webhook outbox, on database connections of its own. */
export function openWebhookOutbox(): Outbox<WebhookCopyRow> {
  return openOutbox(
    env.DATABASE_URL,
    WEBHOOK_DELIVERIES,
    // The lease is the notice worker's: one worker runs both.
    { leaseSeconds: env.NOTICE_LEASE_SECONDS, maxAttempts: env.WEBHOOK_MAX_ATTEMPTS, retryBaseSeconds: env.WEBHOOK_RETRY_BASE_SECONDS },
    { log: (message, error) => console.error(`notice worker (webhooks): ${message}`, error ?? '') },
  );
}
