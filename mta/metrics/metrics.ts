// Prometheus metrics (prom-client), on a registry of our own so nothing global leaks in.
import client from 'prom-client';
import type { DestinationSnapshot } from '../deliver/destination-scheduler.js';
import type { ScanPolicyState } from '../scan/scan-policy.js';

export const DELAY_BUCKETS_S = [1, 5, 15, 30, 60, 300, 600, 1800, 3600, 5400, 7200];
export const STAGES = ['receive', 'queue', 'scan', 'deliver', 'total'] as const;
export type Stage = (typeof STAGES)[number];

export interface QueueSnapshot {
  byState: Record<string, number>;
  depth: number;
  oldestAgeS: number;
  oldestScanWaitS: number;
}

export class MtaMetrics {
  readonly registry = new client.Registry();
  readonly accepted: client.Counter;
  readonly rejected: client.Counter<'reason'>;
  readonly outcomes: client.Counter<'outcome'>;
  readonly scanVerdicts: client.Counter<'verdict'>;
  readonly delay: client.Histogram<'stage'>;
  readonly autoBlocks: client.Counter<'trigger'>;
  readonly authFailures: client.Counter;
  readonly authThrottled: client.Counter<'scope'>;
  readonly laneMessages: client.Counter<'lane'>;

  constructor(snapshot: () => QueueSnapshot, policy: () => ScanPolicyState, outboxSize: () => number) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'tayori_mta_' });
    this.accepted = new client.Counter({ name: 'tayori_mta_messages_accepted_total', help: 'Messages accepted with 250 after DATA', registers });
    this.rejected = new client.Counter({ name: 'tayori_mta_rejections_total', help: 'SMTP rejections by reason', labelNames: ['reason'], registers });
    this.outcomes = new client.Counter({ name: 'tayori_mta_delivery_outcomes_total', help: 'Delivery attempts by outcome (delivered, deferred, bounced)', labelNames: ['outcome'], registers });
    this.scanVerdicts = new client.Counter({ name: 'tayori_mta_scan_verdicts_total', help: 'Scan verdicts (clean, junk, refused, virus, skipped, failed)', labelNames: ['verdict'], registers });
    this.autoBlocks = new client.Counter({ name: 'tayori_mta_auto_blocks_total', help: 'Client IPs put on the blocklist automatically, by what they did too much of (messages, rejected_recipients, auth_failures)', labelNames: ['trigger'], registers });
    this.authFailures = new client.Counter({ name: 'tayori_mta_auth_failures_total', help: 'SMTP AUTH logins refused for wrong credentials', registers });
    this.authThrottled = new client.Counter({ name: 'tayori_mta_auth_throttled_total', help: 'SMTP AUTH logins refused for now (454) after too many failures of the client or for the user name', labelNames: ['scope'], registers });
    this.laneMessages = new client.Counter({ name: 'tayori_mta_lane_messages_total', help: 'Messages accepted per lane: submission (the status site\'s own mail, ahead of the scan queue) or standard', labelNames: ['lane'], registers });
    this.delay = new client.Histogram({ name: 'tayori_mta_delay_seconds', help: 'Per-message delay by stage (receive, queue, scan, deliver) and total', labelNames: ['stage'], buckets: DELAY_BUCKETS_S, registers });
    // Series exist from the start (at zero), so dashboards and rate() work before the first event.
    for (const stage of STAGES) this.delay.zero({ stage });
    for (const outcome of ['delivered', 'deferred', 'bounced']) this.outcomes.inc({ outcome }, 0);
    for (const trigger of ['messages', 'rejected_recipients', 'auth_failures']) this.autoBlocks.inc({ trigger }, 0);
    for (const scope of ['client', 'user']) this.authThrottled.inc({ scope }, 0);
    for (const lane of ['submission', 'standard']) this.laneMessages.inc({ lane }, 0);
    new client.Gauge({
      name: 'tayori_mta_queue_messages',
      help: 'Messages in the queue by state',
      labelNames: ['state'],
      registers,
      collect() {
        const snap = snapshot();
        this.reset();
        for (const state of ['scan', 'scanning', 'deliver', 'delivering', 'deferred', 'quarantined']) this.set({ state }, snap.byState[state] ?? 0);
      },
    });
    new client.Gauge({ name: 'tayori_mta_queue_depth', help: 'Messages accepted and not yet delivered or bounced', registers, collect() { this.set(snapshot().depth); } });
    new client.Gauge({ name: 'tayori_mta_queue_oldest_age_seconds', help: 'Age of the oldest message not yet delivered', registers, collect() { this.set(snapshot().oldestAgeS); } });
    new client.Gauge({ name: 'tayori_mta_scan_wait_oldest_seconds', help: 'Age of the oldest message waiting for a scan', registers, collect() { this.set(snapshot().oldestScanWaitS); } });
    new client.Gauge({
      name: 'tayori_mta_scan_policy',
      help: 'Scan policy in force (1 for the current one)',
      labelNames: ['policy'],
      registers,
      collect() {
        const current = policy().policy;
        for (const p of ['enabled', 'bypass', 'auto']) this.set({ policy: p }, p === current ? 1 : 0);
      },
    });
    new client.Gauge({ name: 'tayori_mta_scan_bypassing', help: '1 while mail is delivered without a scan', registers, collect() { this.set(policy().bypassing ? 1 : 0); } });
    new client.Gauge({ name: 'tayori_mta_rollup_outbox', help: 'Rollups waiting to be sent to the status site', registers, collect() { this.set(outboxSize()); } });
  }

  /**
   * Per-destination gauges of the outbound relay (mta/deliver/destination-scheduler.ts): one series
   * per destination with mail in flight, waiting, failing or held, and those used in the last minutes.
   */
  watchDestinations(destinations: () => DestinationSnapshot[]): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: (d: DestinationSnapshot, now: number) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['destination'],
        registers,
        collect() {
          const now = Date.now();
          this.reset();
          for (const d of destinations()) this.set({ destination: d.destination }, value(d, now));
        },
      });
    gauge('tayori_mta_destination_active_deliveries', 'Deliveries in flight per destination (at most MTA_DESTINATION_CONCURRENCY)', (d) => d.active);
    gauge('tayori_mta_destination_waiting_messages', 'Messages waiting for their destination to take them (busy, rate delay or held)', (d) => d.waiting);
    gauge('tayori_mta_destination_consecutive_failures', 'Failed deliveries in a row per destination (421, 4xx, no connection)', (d) => d.consecutiveFailures);
    gauge('tayori_mta_destination_held_seconds', 'Seconds until a held destination is tried again (0 = not held)', (d, now) => (d.heldUntil === null ? 0 : Math.max(0, (d.heldUntil - now) / 1000)));
  }
}
