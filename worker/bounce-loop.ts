// Bounces and complaints come back (lib/notices/bounces): every BOUNCE_POLL_SECONDS the worker
// empties the mailbox the notices' return paths lead to, applying each report to the copy it is
// about. What it could not act on is counted in the log, forged return paths separately.
import { applyBounceMessage, type ReportOutcome } from '../lib/notices/bounces/apply';
import { openBounceMailbox } from '../lib/notices/bounces/mailbox';
import { env } from '../lib/env';
import { sleep } from './sleep';

export async function runBounceLoop({ signal, log = console.log }: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<void> {
  const mailbox = openBounceMailbox();
  log(`worker: bounces and complaints read from ${mailbox.where} every ${env.BOUNCE_POLL_SECONDS} s`);
  const totals = new Map<ReportOutcome, number>();
  while (!signal?.aborted) {
    const round = new Map<ReportOutcome, number>();
    await mailbox.reader
      .drain(async (message) => {
        const outcome = await applyBounceMessage(message.raw);
        round.set(outcome, (round.get(outcome) ?? 0) + 1);
        totals.set(outcome, (totals.get(outcome) ?? 0) + 1);
      })
      .catch((error) => log(`worker: reading bounces failed: ${error instanceof Error ? error.message : error}`));
    if (round.size > 0) log(`worker: bounces: ${describe(round)} (since start: ${describe(totals)})`);
    await sleep(env.BOUNCE_POLL_SECONDS * 1000, signal);
  }
  await mailbox.reader.close().catch(() => {});
}

function describe(counts: Map<ReportOutcome, number>): string {
  return [...counts].map(([outcome, n]) => `${outcome}=${n}`).join(' ');
}
