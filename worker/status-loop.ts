// What changes the status on its own: the metric rules judge new windows (component statuses,
// automatic incidents, the spam-check note), maintenance windows start and end, and updates whose
// notice was never enqueued (a crash after a commit) get it. Every RULE_TICK_SECONDS; several
// workers on one PostgreSQL database share this safely (each change is claimed: a rule's version,
// a maintenance's conditional update, a notice's dedupe key).
import { env } from '../lib/env';
import { advanceMaintenances } from '../lib/maintenance/schedule';
import { evaluateRules } from '../lib/rules/evaluate';
import { createMissedIncidentNotices } from '../lib/notices/enqueue';
import { sleep } from './sleep';

const SWEEP_EVERY_MS = 30_000;

export async function runStatusLoop({ signal, log = console.log }: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<void> {
  let lastSweep = 0;
  while (!signal?.aborted) {
    await evaluateRules().catch((error) => log(`worker: evaluating the rules failed: ${error}`));
    await advanceMaintenances().catch((error) => log(`worker: advancing maintenance failed: ${error}`));
    if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      const missed = await createMissedIncidentNotices().catch((error) => (log(`worker: the notice sweep failed: ${error}`), 0));
      if (missed) log(`worker: created ${missed} missed notice(s)`);
    }
    await sleep(env.RULE_TICK_SECONDS * 1000, signal);
  }
}
