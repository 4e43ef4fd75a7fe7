// The end-to-end canary (CANARY_ENABLED): a test message through the real inbound path every
// CANARY_INTERVAL_S, looked for in its mailbox every few seconds (lib/canary). Its probes feed
// the inbound rule (a canary missing for CANARY_MISSING_AFTER_MIN counts as delay) and the charts.
import path from 'node:path';
import { Canary } from '../lib/canary/canary';
import { openCanaryMailbox } from '../lib/canary/open-mailbox';
import { pruneProbes } from '../lib/canary/probes';
import { env } from '../lib/env';
import { sleep } from './sleep';

const READ_EVERY_MS = 2_000;
const PRUNE_EVERY_MS = 3600_000;
// As long as the longest chart (lib/metrics/queries.ts): 30 days.
const KEEP_MS = 31 * 86_400_000;

export async function runCanaryLoop({ signal, log = console.log }: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<void> {
  if (!env.CANARY_ENABLED) return;
  const mailbox = openCanaryMailbox(env.CANARY_MAILBOX_URL, path.join(env.DATA_DIR, 'mail'), env.CANARY_TO);
  const canary = new Canary({
    smtpUrl: env.CANARY_SMTP_URL ?? env.SMTP_URL,
    from: `canary@${senderDomain()}`,
    to: env.CANARY_TO,
    intervalS: env.CANARY_INTERVAL_S,
    mailbox: mailbox.reader,
    log,
  });
  log(`worker: canary to ${env.CANARY_TO} every ${env.CANARY_INTERVAL_S} s, looked for in ${mailbox.where}`);
  let lastPrune = 0;
  while (!signal?.aborted) {
    await canary.round().catch((error) => log(`worker: the canary failed: ${error}`));
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      await pruneProbes(new Date(Date.now() - KEEP_MS)).catch((error) => log(`worker: pruning canary probes failed: ${error}`));
    }
    await sleep(READ_EVERY_MS, signal);
  }
  await canary.settle();
  await mailbox.reader.close().catch(() => {});
}

/** The site's host name, when it is one a receiving server can take for a sender's domain. */
function senderDomain(): string {
  const host = new URL(env.SITE_URL).hostname;
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && !/^[\d.]+$/.test(host) ? host : 'localhost';
}
