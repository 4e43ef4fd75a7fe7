import 'server-only';
import { setMaxListeners } from 'node:events';
import { db } from '../db';
import { relaxCommitSync } from '../db-dialect';
import { env } from '../env';
import type { Lang } from '../i18n/locales';
import { claimWebhooks, markWebhookDelivered, markWebhookFailed, type ClaimedWebhook } from '../webhooks/outbox';
import { postWebhook } from '../webhooks/post';
import { createNoticeSender, noticeCopy, prepareNotice, subscriberLinks, type PreparedNotice } from './mailer';
import type { SmtpSender } from './smtp-sender';
import { claimDeliveries, loadNotice, markFinishing, markPermanentFailure, markSent, markSkipped, markTemporaryFailure, releaseClaims, settleOutcomes, type ClaimedDelivery } from './outbox';

// The fan-out worker: claims deliveries in batches, sends them over a fixed set of SMTP sessions
// with at most NOTICE_WORKER_CONCURRENCY in flight, and records each outcome (see outbox.ts for
// what survives a crash). The sessions never wait for a batch to finish: the next batch is
// claimed while the current one is still going out. Webhooks have a loop of their own.

export interface WorkerOptions {
  sender?: SmtpSender;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** Runs until `signal` aborts; then finishes what is in flight and returns. */
export async function runNoticeWorker({ sender = createNoticeSender(), signal, log = console.log }: WorkerOptions = {}) {
  await relaxCommitSync(db, env.DATABASE_URL);
  // Every idle lane and the webhook loop wait on the signal at once: more than Node's default of
  // 10 listeners, and no leak (each goes when its wait ends).
  if (signal) setMaxListeners(env.NOTICE_WORKER_CONCURRENCY + 1, signal);
  log(`notice worker: sending through ${redact(env.SMTP_URL)}, ${env.NOTICE_WORKER_CONCURRENCY} at a time`);
  await Promise.all([sendMail(sender, signal), postWebhooks(signal)]);
  await settleOutcomes();
  sender.close();
}

/** NOTICE_WORKER_CONCURRENCY lanes taking copies from one queue, refilled before it runs dry. */
async function sendMail(sender: SmtpSender, signal?: AbortSignal) {
  const notices = new Map<string, Record<Lang, PreparedNotice> | null>();
  const queue: ClaimedDelivery[] = [];
  let claiming: Promise<number> | null = null;
  const refill = () =>
    (claiming ??= claimDeliveries(env.NOTICE_BATCH_SIZE)
      .then((rows) => (queue.push(...rows), rows.length))
      .catch((error) => (console.error('notice worker: claiming failed:', error), 0))
      .finally(() => (claiming = null)));
  const lane = async () => {
    while (!signal?.aborted) {
      // Claim the next batch while the last copies of this one are on the wire.
      if (queue.length < env.NOTICE_WORKER_CONCURRENCY) void refill();
      const d = queue.shift();
      if (!d) {
        if (!(await refill())) await sleep(env.NOTICE_POLL_MS, signal);
        continue;
      }
      await sendOne(d, sender, notices).catch((error) => console.error('notice worker:', error));
    }
  };
  await Promise.all(Array.from({ length: env.NOTICE_WORKER_CONCURRENCY }, lane));
  // Claimed but not started when the worker stopped: given back at once, so that the next run
  // (or another worker) sends them without waiting for the lease to run out.
  await claiming;
  await releaseClaims(queue.splice(0)).catch((error) => console.error('notice worker: could not give back unsent claims:', error));
}

async function postWebhooks(signal: AbortSignal | undefined) {
  while (!signal?.aborted) {
    const hooks = await claimWebhooks(Math.min(50, env.NOTICE_BATCH_SIZE)).catch((error) => (console.error('notice worker: claiming webhooks failed:', error), []));
    if (!hooks.length) {
      await sleep(env.NOTICE_POLL_MS, signal);
      continue;
    }
    await inParallel(hooks, Math.min(env.NOTICE_WORKER_CONCURRENCY, 10), postOne);
  }
}

async function sendOne(d: ClaimedDelivery, sender: SmtpSender, cache: Map<string, Record<Lang, PreparedNotice> | null>) {
  if (d.subscriber.status !== 'active') return markSkipped(d, `subscriber ${d.subscriber.status}`);
  if (!cache.has(d.noticeId)) {
    const n = await loadNotice(d.noticeId);
    cache.set(
      d.noticeId,
      n && {
        ja: prepareNotice({ subject: n.subjectJa, text: n.textJa, html: n.htmlJa }, 'ja'),
        en: prepareNotice({ subject: n.subjectEn, text: n.textEn, html: n.htmlEn }, 'en'),
      },
    );
  }
  const prepared = cache.get(d.noticeId);
  if (!prepared) return markSkipped(d, 'notice deleted');
  const lang: Lang = d.lang === 'en' ? 'en' : 'ja';
  const copy = noticeCopy(prepared[lang], d.subscriber.email, d.messageId, subscriberLinks(d.subscriber.id, d.subscriber.tokenVersion, lang));
  let handedOver = false;
  try {
    await sender.send(copy.envelope, copy.raw, async () => {
      if (!(await markFinishing(d))) throw new Error('lease lost: another worker owns this copy');
      handedOver = true;
    });
  } catch (error) {
    const e = error as { responseCode?: number; code?: string; message?: string };
    // The dot went out but no reply came (connection lost): the server may have the copy. Like a
    // crash at that point, the row stays "finishing" and counts as sent when its lease runs out;
    // sending it again could deliver it twice. A reply to the dot (4xx, 5xx) is handled below, and
    // a session that died before the dot could leave (ENOTSENT) is an ordinary temporary failure.
    if (handedOver && !e.responseCode && e.code !== 'ENOTSENT') return;
    const reason = (e.message ?? String(error)).slice(0, 500);
    if (e.responseCode && e.responseCode >= 500) return markPermanentFailure(d, reason);
    return markTemporaryFailure(d, reason);
  }
  // Not awaited: the row is "finishing" already, which a restart counts as sent.
  markSent(d).catch((error) => console.error('notice worker: could not record a sent copy:', error));
}

async function postOne(w: ClaimedWebhook) {
  // An endpoint removed or not yet confirmed gets nothing but its confirmation request.
  if (w.kind !== 'confirmation' && w.endpoint.status !== 'active') return markWebhookFailed(w, `endpoint ${w.endpoint.status}`, false);
  const result = await postWebhook(w.endpoint.url, w.endpoint.secret, w.payload, { 'X-Tayori-Delivery': w.id, 'X-Tayori-Event': w.kind }, env.WEBHOOK_TIMEOUT_MS, env.WEBHOOK_ALLOW_LOOPBACK);
  if (result.ok) return markWebhookDelivered(w);
  return markWebhookFailed(w, result.error ?? 'failed', result.retry);
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

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    // The listener goes when the timer fires: one per idle poll would pile up on the signal.
    const wake = () => (clearTimeout(timer), resolve());
    const timer = setTimeout(() => (signal?.removeEventListener('abort', wake), resolve()), ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}

/** The SMTP URL without its credentials, for the log (a password may itself contain "@"). */
function redact(url: string) {
  try {
    const u = new URL(url);
    if (u.username || u.password) [u.username, u.password] = ['***', ''];
    return u.toString();
  } catch {
    return '(invalid SMTP_URL)';
  }
}
