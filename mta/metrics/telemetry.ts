// One place where the pipeline reports what happened; feeds both Prometheus and the rollups.
import type { ScanPolicyState } from '../scan/scan-policy.js';
import type { StateStore } from '../state/state-store.js';
import type { MtaMetrics, QueueSnapshot } from './metrics.js';
import { RollupWindow, windowStart, type StageDelays } from './rollups.js';

export class Telemetry {
  private window: RollupWindow;
  private timer: NodeJS.Timeout | undefined;
  private readonly closedListeners: Array<() => void> = [];

  constructor(
    private readonly metrics: MtaMetrics,
    private readonly store: StateStore,
    private readonly source: string,
    private readonly snapshot: () => QueueSnapshot,
    private readonly policy: () => ScanPolicyState,
  ) {
    this.window = new RollupWindow(windowStart(Date.now()));
  }

  start(): void {
    this.timer = setInterval(() => this.rotate(), 500);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Called after a window was written to the outbox (the pusher listens). */
  onWindowClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  private current(): RollupWindow {
    this.rotate();
    return this.window;
  }

  /** Closes the current window once its 10 seconds are over and stores its rollup. */
  rotate(now = Date.now()): void {
    const start = windowStart(now);
    if (start === this.window.start) return;
    const snap = this.snapshot();
    const policy = this.policy();
    const rollup = this.window.finish({ source: this.source, queueDepth: snap.depth, oldestAgeS: snap.oldestAgeS, scanPolicy: policy.policy, scanBypassing: policy.bypassing });
    this.store.enqueueRollup(rollup.window_start, rollup);
    this.window = new RollupWindow(start);
    for (const listener of this.closedListeners) listener();
  }

  accepted(): void {
    this.metrics.accepted.inc();
    this.current().accepted++;
  }

  rejected(reason: string): void {
    this.metrics.rejected.inc({ reason });
    this.current().recordRejected(reason);
  }

  delivered(delaysMs: StageDelays): void {
    // Wall-clock steps (NTP) can make a difference negative; a delay is never below zero.
    const seconds = (ms: number) => Math.max(0, ms) / 1000;
    const s: StageDelays = {
      receive: seconds(delaysMs.receive),
      queue: seconds(delaysMs.queue),
      scan: seconds(delaysMs.scan),
      deliver: seconds(delaysMs.deliver),
      total: seconds(delaysMs.total),
    };
    for (const stage of ['receive', 'queue', 'scan', 'deliver', 'total'] as const) this.metrics.delay.observe({ stage }, s[stage]);
    this.metrics.outcomes.inc({ outcome: 'delivered' });
    this.current().recordDelivered(s);
  }

  deferred(): void {
    this.metrics.outcomes.inc({ outcome: 'deferred' });
    this.current().deferred++;
  }

  bounced(): void {
    this.metrics.outcomes.inc({ outcome: 'bounced' });
    this.current().bounced++;
  }

  scanVerdict(verdict: 'clean' | 'junk' | 'refused' | 'virus' | 'skipped' | 'failed'): void {
    this.metrics.scanVerdicts.inc({ verdict });
  }
}
