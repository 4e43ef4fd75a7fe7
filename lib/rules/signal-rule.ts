import 'server-only';
import { db, type Db } from '../db';
import { SIGNALS_METRIC } from './signal-level';

export { SIGNALS_METRIC };

/**
 * Gives a component a `signals` rule when its first alert or probe arrives and it has no rule yet
 * (a mail rule already folds alerts and probes into its own windows). One window is enough to
 * enter a state: Alertmanager's `for:` and a probe's confirmations have already debounced it; a
 * minute of health to leave one; five minutes without a fresh probe result to show "no data".
 * The thresholds are unused: every window names its level.
 */
export async function ensureSignalsRule(componentId: string, client: Db = db): Promise<void> {
  await client.componentMetricRule.upsert({
    where: { componentId },
    update: {},
    create: {
      componentId,
      metric: SIGNALS_METRIC,
      flow: SIGNALS_METRIC,
      degradedAboveS: 0,
      partialAboveS: 0,
      majorAboveS: 0,
      enterWindows: 1,
      leaveAfterS: 60,
      noDataAfterS: 300,
    },
  });
}
