// One place where the pipeline reports what happened; feeds both Prometheus and the rollups.
// Every event belongs to a flow (mta/metrics/flows.ts): each flow has its own rollup per window,
// built by contracts/rollup-builder.ts as the Postfix shipper's are.
import { DEFAULT_DOMAIN_TOP_N, FlowWindow, windowStartOf } from '#contracts/rollup-builder';
import type { Lane } from '../queue/lanes.js';
import type { ScanPolicyState } from '../scan/scan-policy.js';
import type { StateStore } from '../state/state-store.js';
import { MAIL_FLOWS, type FlowQueueState, type MailFlow } from './flows.js';
import type { MtaMetrics } from './metrics.js';

/** A delivered message's time in each stage of the pipeline, and in all, in milliseconds. */
export interface StageDelays {
  receive: number;
  queue: number;
  scan: number;
  deliver: number;
  total: number;
}

export class Telemetry {
  private windows: Record<MailFlow, FlowWindow>;
  private timer: NodeJS.Timeout | undefined;
  private readonly closedListeners: Array<() => void> = [];
  /** Hosted domains listed on their own in inbound rollups (MTA_DOMAIN_TOP_N); the rest count as "other". */
  domainTopN = DEFAULT_DOMAIN_TOP_N;
  /** Messages that left the scan queue in the current window (all flows: they share the check). */
  private scannedInWindow = 0;

  constructor(
    private readonly metrics: MtaMetrics,
    private readonly store: StateStore,
    private readonly source: string,
    private readonly flowQueues: () => Record<MailFlow, FlowQueueState>,
    private readonly policy: () => ScanPolicyState,
    /** How many queued messages a new sender's message would wait behind for its scan (FairQueue.aheadOfNewcomer). */
    private readonly scanAhead?: () => number,
  ) {
    this.windows = Telemetry.newWindows(windowStartOf(Date.now()));
  }

  private static newWindows(start: number): Record<MailFlow, FlowWindow> {
    return { inbound: new FlowWindow(start), outbound: new FlowWindow(start) };
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

  private current(flow: MailFlow): FlowWindow {
    this.rotate();
    return this.windows[flow];
  }

  /** Closes the current windows once their 10 seconds are over and stores one rollup per flow. */
  rotate(now = Date.now()): void {
    const start = windowStartOf(now);
    if (start === this.windows.inbound.start) return;
    const queues = this.flowQueues();
    const policy = this.policy();
    // The spam check serves both flows; its queue's figures ride on the inbound rollup, where the
    // site estimates when mail sent now will arrive.
    const scanQueue = this.scanAhead ? { scanned: this.scannedInWindow, ahead: this.scanAhead() } : undefined;
    this.scannedInWindow = 0;
    for (const flow of MAIL_FLOWS) {
      const rollup = this.windows[flow].finish({ source: this.source, flow, queue: queues[flow], scanPolicy: policy.policy, scanBypassing: policy.bypassing, domainTopN: this.domainTopN, ...(flow === 'inbound' && scanQueue ? { scanQueue } : {}) });
      this.store.enqueueRollup(rollup.window_start, flow, rollup);
    }
    this.windows = Telemetry.newWindows(start);
    for (const listener of this.closedListeners) listener();
  }

  /**
   * An accepted message counts once in each flow it has recipients in, whatever its lane: the
   * status site's own mail is mail to these mailboxes too (see docs/mta.md on the delay figures).
   */
  accepted(flows: Iterable<MailFlow>, lane: Lane = 'standard'): void {
    this.metrics.accepted.inc();
    this.metrics.laneMessages.inc({ lane });
    for (const flow of new Set(flows)) this.current(flow).recordAccepted();
  }

  /** Refusals happen at the door, where mail arrives from outside: they are inbound's. */
  rejected(reason: string): void {
    this.metrics.rejected.inc({ reason });
    this.current('inbound').recordRejected(reason);
  }

  /** A login refused for wrong credentials (also counted as the rejection auth_failed). */
  authFailed(): void {
    this.metrics.authFailures.inc();
  }

  /** A login refused for now after too many failures of the client or for the user name. */
  authThrottled(scope: 'client' | 'user'): void {
    this.metrics.authThrottled.inc({ scope });
  }

  /** `domains`: the recipient domains the message reached in this flow (inbound rollups count each hosted domain's delay). */
  delivered(flow: MailFlow, delaysMs: StageDelays, domains: Iterable<string> = []): void {
    // Wall-clock steps (NTP) can make a difference negative; a delay is never below zero.
    const seconds = (ms: number) => Math.max(0, ms) / 1000;
    const s = {
      receive: seconds(delaysMs.receive),
      queue: seconds(delaysMs.queue),
      scan: seconds(delaysMs.scan),
      deliver: seconds(delaysMs.deliver),
      total: seconds(delaysMs.total),
    };
    for (const stage of ['receive', 'queue', 'scan', 'deliver', 'total'] as const) this.metrics.delay.observe({ stage }, s[stage]);
    this.metrics.outcomes.inc({ outcome: 'delivered' });
    this.current(flow).recordDelivered(s, domains);
  }

  deferred(flow: MailFlow): void {
    this.metrics.outcomes.inc({ outcome: 'deferred' });
    this.current(flow).recordDeferred();
  }

  bounced(flow: MailFlow): void {
    this.metrics.outcomes.inc({ outcome: 'bounced' });
    this.current(flow).recordBounced();
  }

  /** A message left the scan queue: taken for a scan, or passed on unscanned by the breaker. */
  leftScanQueue(): void {
    this.rotate();
    this.scannedInWindow++;
  }

  scanVerdict(verdict: 'clean' | 'junk' | 'refused' | 'virus' | 'skipped' | 'failed'): void {
    this.metrics.scanVerdicts.inc({ verdict });
  }
}
