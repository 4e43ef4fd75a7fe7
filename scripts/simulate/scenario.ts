// The parameters of a replay, in real seconds and messages per second. The defaults follow the
// 2014 report: legitimate mail at an ordinary rate, a spam flood thirty times larger from a few
// hundred addresses, much of it to mailboxes that do not exist, and a spam-check stage whose
// capacity the flood exceeds. The run is not compressed: the scenario's time is the real time.

export interface Scenario {
  /** Legitimate mail before the flood, so the status page starts from measured, healthy data. */
  warmUpS: number;
  floodS: number;
  legitRate: number;
  legitSenders: number;
  spamRate: number;
  spamSenders: number;
  /** Share of spam addressed to mailboxes that do not exist (dictionary spam). */
  spamUnknownShare: number;
  mailboxes: number;
  /** The spam-check stage: parallel scans × cost of one scan. */
  scanConcurrency: number;
  scanCostMs: number;
  /** Tayori's breaker: mail that has waited this long for a scan skips it (MTA_SCAN_AUTO_BYPASS_AGE_S). */
  scanBypassAgeS: number;
  /** Its second step: unknown senders' mail skips the scan after this long, if nothing known waits (MTA_SCAN_AUTO_BYPASS_UNKNOWN_AGE_S). */
  scanBypassUnknownAgeS: number;
  /** The status rule's first threshold (p95 delay), and how long health must last before recovery. */
  thresholdS: number;
  leaveAfterS: number;
  /** Silence from every metrics source after which the component shows "no data". */
  noDataAfterS: number;
  autoResolveMinutes: number;
  /** Load on `/` during the flood (twice when nginx is installed: direct, then through it). */
  loadConnections: number;
  loadSeconds: number;
  /** Give up waiting for the queue to drain / the recovery notice after this long. */
  drainTimeoutS: number;
  recoveryTimeoutS: number;
}

export const DEFAULT_SCENARIO: Scenario = {
  warmUpS: 20,
  floodS: 120,
  legitRate: 3,
  legitSenders: 200,
  spamRate: 90,
  spamSenders: 200,
  spamUnknownShare: 0.6,
  mailboxes: 50,
  scanConcurrency: 2,
  scanCostMs: 66,
  scanBypassAgeS: 300,
  scanBypassUnknownAgeS: 600,
  thresholdS: 60,
  leaveAfterS: 60,
  noDataAfterS: 120,
  autoResolveMinutes: 1,
  loadConnections: 200,
  loadSeconds: 20,
  drainTimeoutS: 900,
  recoveryTimeoutS: 600,
};

/**
 * A flood that nothing refuses or blocks: thousands of senders that each send little, to
 * mailboxes that exist. Only the queue and the breaker stand between it and legitimate mail, and
 * the status page must see the delay whatever the flood looks like. The legitimate senders are
 * customers' correspondents who wrote before (history.ts): Tayori scans them first and keeps its
 * breaker away from the newcomers (mta/reputation).
 */
export const QUIET_FLOOD: Partial<Scenario> = { spamSenders: 3000, spamUnknownShare: 0 };

/** A short run for CI: the same shape, a smaller flood against a smaller scan stage. */
export const QUICK_SCENARIO: Scenario = {
  ...DEFAULT_SCENARIO,
  warmUpS: 12,
  floodS: 15,
  legitRate: 2,
  legitSenders: 60,
  spamRate: 50,
  // Fewer, busier flooders than the full run, so that a 15 s flood still trips the per-minute limits.
  spamSenders: 20,
  scanConcurrency: 1,
  scanCostMs: 50,
  thresholdS: 15,
  leaveAfterS: 15,
  autoResolveMinutes: 0.2,
  loadSeconds: 8,
  drainTimeoutS: 300,
  recoveryTimeoutS: 240,
};

export type Setup = 'legacy' | 'tayori';

/** The MTA's settings for each setup; the scan stage's capacity is the scenario's in both. */
export function mtaSettings(setup: Setup, s: Scenario): Record<string, string> {
  const scan = { MTA_SCANNER: 'builtin', MTA_SCAN_CONCURRENCY: String(s.scanConcurrency), MTA_BUILTIN_SCAN_COST_MS: String(s.scanCostMs) };
  if (setup === 'legacy') {
    // 2014: one FIFO queue, every recipient accepted, no blocklist, every message scanned.
    return { ...scan, MTA_SCHEDULER: 'fifo', MTA_RECIPIENT_VERIFICATION: 'off', MTA_BLOCKLIST: 'off', MTA_AUTO_BLOCK: 'off', MTA_SCAN_POLICY: 'enabled' };
  }
  // Tayori's defaults (fair scheduling, recipient verification, automatic blocking) and the breaker.
  // History counts once it is as old as the warm-up: the correspondence sent before it (history.ts)
  // stands for the weeks of mail a real MTA would have seen, nothing sent during the run does.
  return { ...scan, MTA_SCAN_POLICY: 'auto', MTA_SCAN_AUTO_BYPASS_AGE_S: String(s.scanBypassAgeS), MTA_SCAN_AUTO_BYPASS_UNKNOWN_AGE_S: String(s.scanBypassUnknownAgeS), MTA_REPUTATION_MIN_AGE_S: String(s.warmUpS) };
}

/** Parses `--name value` pairs over a scenario's fields (numbers only). */
export function withOverrides(base: Scenario, args: string[]): Scenario {
  const out: Scenario = { ...base };
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z][\w-]*)$/.exec(args[i]!);
    if (!m) continue;
    const key = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof Scenario;
    if (!(key in base)) throw new Error(`unknown option --${m[1]} (options: ${Object.keys(base).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(' ')})`);
    const value = Number(args[++i]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${m[1]} needs a non-negative number`);
    out[key] = value;
  }
  return out;
}
