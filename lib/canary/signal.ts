// What the canary says about inbound mail at a moment: pure functions over its probes, shared by
// the rule (lib/rules/evaluate.ts), the charts (lib/metrics/queries.ts) and the tests.

export interface Probe {
  sentAt: Date;
  arrivedAt: Date | null;
  /** Why sending failed, or null. */
  error: string | null;
  /** The last successful read of the mailbox while the probe was missing. */
  checkedAt: Date | null;
}

/** A send the receiving server refused for good (5xx): the canary's settings are wrong, the mail is not late. */
export function refusedForGood(error: string | null): boolean {
  return error !== null && /^5\d\d\b/.test(error);
}

/**
 * How long the canary has been missing at `at`, in seconds (0 when none is). A probe is missing
 * from when it was sent until it arrives; it stops counting when a probe sent after it arrives
 * first (it was lost, not held up: the path works again), and it counts only up to the last time
 * the mailbox was read, so a broken mailbox reader cannot look like delayed mail. A probe the
 * server refused for good (a wrong address) is a configuration error and never counts; one that
 * could not be sent at all (no connection, 4xx) is mail that is not getting in, and does.
 */
export function missingAgeAt(probes: readonly Probe[], at: Date): number {
  const t = at.getTime();
  const arrivedBy = (p: Probe) => p.arrivedAt !== null && p.arrivedAt.getTime() <= t;
  // The newest probe sent before `at` that had arrived by then: everything sent before it is settled.
  let settledUpTo = -Infinity;
  for (const p of probes) if (p.sentAt.getTime() <= t && arrivedBy(p)) settledUpTo = Math.max(settledUpTo, p.sentAt.getTime());
  let oldest = Infinity;
  for (const p of probes) {
    const sent = p.sentAt.getTime();
    if (sent > t || sent <= settledUpTo || arrivedBy(p) || refusedForGood(p.error)) continue;
    oldest = Math.min(oldest, sent);
  }
  if (oldest === Infinity) return 0;
  // Seen missing up to the last read of the mailbox (at most `at`); a probe that could not be sent
  // needs no mailbox to be known missing.
  const known = probes
    .filter((p) => p.sentAt.getTime() >= oldest && p.sentAt.getTime() <= t && !arrivedBy(p))
    .map((p) => (p.error !== null ? t : Math.min(t, p.checkedAt?.getTime() ?? oldest)));
  return Math.max(0, (Math.max(oldest, ...known) - oldest) / 1000);
}

/**
 * The canary's delay in an interval of a chart: the longest a probe sent in it took to arrive, or,
 * for one still missing at `now`, how long it has been missing; null when none was sent in it.
 */
export function delayIn(probes: readonly Probe[], from: Date, to: Date, now: Date): number | null {
  let worst: number | null = null;
  for (const p of probes) {
    if (p.sentAt < from || p.sentAt >= to || refusedForGood(p.error)) continue;
    const end = p.arrivedAt ?? now;
    worst = Math.max(worst ?? 0, Math.max(0, (end.getTime() - p.sentAt.getTime()) / 1000));
  }
  return worst;
}
