import 'server-only';
import { chatOutcome } from '../chat/answers';
import { isChatFormat } from '../chat/formats';
import { env } from '../env';
import { idle } from '../outbox/idle';
import type { Outbox } from '../outbox/outbox';
import { openWebhookOutbox, type ClaimedWebhook, type WebhookCopyRow } from './deliveries';
import { disableEndpoint } from './endpoints';
import { postWebhook } from './post';

// The worker's webhook loop: claims due deliveries in batches, posts up to ten at a time, and
// records each outcome.

/** Runs until `signal` aborts; then finishes the posts in flight, records them and returns. */
export async function deliverWebhooks(signal?: AbortSignal) {
  const outbox = openWebhookOutbox();
  try {
    while (!signal?.aborted) {
      const hooks = await outbox.claim(Math.min(50, env.NOTICE_BATCH_SIZE)).catch((error) => (console.error('notice worker: claiming webhooks failed:', error), []));
      if (!hooks.length) {
        await idle(env.NOTICE_POLL_MS, signal);
        continue;
      }
      await inParallel(hooks, Math.min(env.NOTICE_WORKER_CONCURRENCY, 10), (w) => postOne(outbox, w));
    }
  } finally {
    await outbox.settle();
    await outbox.disconnect();
  }
}

async function postOne(outbox: Outbox<WebhookCopyRow>, w: ClaimedWebhook) {
  // An endpoint removed or not yet confirmed gets nothing but its confirmation request.
  if (w.kind !== 'confirmation' && w.endpoint.status !== 'active') return outbox.failPermanently(w, `endpoint ${w.endpoint.status}`);
  // Chat platforms take the body as it is: only Statuspage's format is signed.
  const chat = isChatFormat(w.endpoint.format);
  const result = await postWebhook(w.endpoint.url, chat ? null : w.endpoint.secret, w.payload, { 'X-Tayori-Delivery': w.id, 'X-Tayori-Event': w.kind }, env.WEBHOOK_TIMEOUT_MS, env.WEBHOOK_ALLOW_LOOPBACK);
  if (result.ok) return outbox.sent(w);
  const error = result.error ?? 'failed';
  if (chat && chatOutcome(result.status, result.answer) === 'dead') {
    await disableEndpoint(w.endpoint.id);
    return outbox.failPermanently(w, `${error}: the platform says this webhook no longer exists; channel disabled`);
  }
  // Asked to wait (429, 503 with Retry-After): the next try comes no sooner than that.
  if (result.retry && result.retryAfterMs !== null) return outbox.failTemporarily(w, error, new Date(Date.now() + result.retryAfterMs));
  return result.retry ? outbox.failTemporarily(w, error) : outbox.failPermanently(w, error);
}

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<unknown>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await run(item).catch((error) => console.error('notice worker:', error));
    }
  });
  await Promise.all(lanes);
}
