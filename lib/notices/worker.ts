import 'server-only';
import { setMaxListeners } from 'node:events';
import { db } from '../db';
import { relaxCommitSync } from '../db-dialect';
import { env } from '../env';
import type { Lang } from '../i18n/locales';
import { idle } from '../outbox/idle';
import type { Outbox } from '../outbox/outbox';
import type { SmtpSender } from '../smtp/sender';
import { createNoticeSender } from '../smtp/transport';
import { subscriberLinks } from '../subscribers/links';
import { deliverWebhooks } from '../webhooks/deliver';
import { loadNotice, openNoticeOutbox, recordHardBounce, type ClaimedDelivery, type NoticeCopyRow } from './deliveries';
import { noticeCopy, prepareNotice, type PreparedNotice } from './render/notice-mail';

// The fan-out worker: claims deliveries in batches, sends them over a fixed set of SMTP sessions
// with at most NOTICE_WORKER_CONCURRENCY in flight, and records each outcome (lib/outbox/outbox.ts
// says what survives a crash). The sessions never wait for a batch to finish: the next batch is
// claimed while the current one is still going out. Webhooks have a loop of their own
// (lib/webhooks/deliver.ts).

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
  await Promise.all([sendMail(sender, signal), deliverWebhooks(signal)]);
  sender.close();
}

/** NOTICE_WORKER_CONCURRENCY lanes taking copies from one queue, refilled before it runs dry. */
async function sendMail(sender: SmtpSender, signal?: AbortSignal) {
  const outbox = openNoticeOutbox();
  const notices = new Map<string, Record<Lang, PreparedNotice> | null>();
  const queue: ClaimedDelivery[] = [];
  let claiming: Promise<number> | null = null;
  const refill = () =>
    (claiming ??= outbox
      .claim(env.NOTICE_BATCH_SIZE)
      .then((rows) => (queue.push(...rows), rows.length))
      .catch((error) => (console.error('notice worker: claiming failed:', error), 0))
      .finally(() => (claiming = null)));
  const lane = async () => {
    while (!signal?.aborted) {
      // Claim the next batch while the last copies of this one are on the wire.
      if (queue.length < env.NOTICE_WORKER_CONCURRENCY) void refill();
      const d = queue.shift();
      if (!d) {
        if (!(await refill())) await idle(env.NOTICE_POLL_MS, signal);
        continue;
      }
      await sendOne(d, outbox, sender, notices).catch((error) => console.error('notice worker:', error));
    }
  };
  await Promise.all(Array.from({ length: env.NOTICE_WORKER_CONCURRENCY }, lane));
  // Claimed but not started when the worker stopped: given back at once, so that the next run
  // (or another worker) sends them without waiting for the lease to run out.
  await claiming;
  await outbox.release(queue.splice(0)).catch((error) => console.error('notice worker: could not give back unsent claims:', error));
  // Every outcome recorded before the worker exits (a "sent" waits for a database that is away).
  await outbox.settle();
  await outbox.disconnect();
}

async function sendOne(d: ClaimedDelivery, outbox: Outbox<NoticeCopyRow>, sender: SmtpSender, cache: Map<string, Record<Lang, PreparedNotice> | null>) {
  if (d.subscriber.status !== 'active') return outbox.skip(d, `subscriber ${d.subscriber.status}`);
  if (!cache.has(d.noticeId)) {
    const n = await loadNotice(d.noticeId);
    cache.set(
      d.noticeId,
      n && {
        ja: prepareNotice({ subject: n.subjectJa, text: n.textJa, html: n.htmlJa }, 'ja', { id: n.id, kind: n.kind }),
        en: prepareNotice({ subject: n.subjectEn, text: n.textEn, html: n.htmlEn }, 'en', { id: n.id, kind: n.kind }),
      },
    );
  }
  const prepared = cache.get(d.noticeId);
  if (!prepared) return outbox.skip(d, 'notice deleted');
  const lang: Lang = d.lang === 'en' ? 'en' : 'ja';
  const copy = noticeCopy(prepared[lang], d.subscriber.email, d.messageId, subscriberLinks(d.subscriber.id, d.subscriber.tokenVersion, lang), { subscriberId: d.subscriber.id, noticeId: d.noticeId });
  let handedOver = false;
  try {
    await sender.send(copy.envelope, copy.raw, async () => {
      if (!(await outbox.handOver(d))) throw new Error('lease lost: another worker owns this copy');
      handedOver = true;
    });
  } catch (error) {
    const e = error as { responseCode?: number; code?: string; message?: string };
    // The dot went out but no reply came (connection lost): the server may have the copy. Like a
    // crash at that point, the row stays "finishing" and counts as sent when its lease runs out;
    // sending it again could deliver it twice. A reply to the dot (4xx, 5xx) is handled below, and
    // a session that died before the dot could leave (ENOTSENT) is an ordinary temporary failure.
    if (handedOver && !e.responseCode && e.code !== 'ENOTSENT') return;
    const reason = e.message ?? String(error);
    if (!e.responseCode || e.responseCode < 500) return outbox.failTemporarily(d, reason);
    // A 5xx: this copy fails, and it counts against the subscriber.
    if (await outbox.failPermanently(d, reason)) await recordHardBounce(d.subscriber.id, d.id, reason);
    return;
  }
  // Not awaited: the row is "finishing" already, which a restart counts as sent.
  outbox.sent(d).catch((error) => console.error('notice worker: could not record a sent copy:', error));
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
