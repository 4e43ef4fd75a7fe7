// Ten-second rollups for the status site, one per flow: what was delivered, deferred, bounced,
// accepted and rejected in each window, with delay percentiles and the flow's queue at the window's end.
import type { Counts } from '../../lib/metrics/histogram.js';
import { DELAY_BUCKET_BOUNDS, type DestinationInput, type MailFlow, type RollupInput } from '../../lib/metrics/rollup-schema.js';
import type { ScanPolicy } from '../config.js';

export const WINDOW_MS = 10_000;
// The site's buckets: percentiles merge honestly only if every source uses the same ones.
export const HISTOGRAM_BOUNDS_S = [...DELAY_BUCKET_BOUNDS];

export interface StageDelays {
  receive: number;
  queue: number;
  scan: number;
  deliver: number;
  total: number;
}

/** The site's contract (lib/metrics/rollup-schema.ts), as the MTA sends it. */
export type Rollup = RollupInput;

export function windowStart(t: number): number {
  return Math.floor(t / WINDOW_MS) * WINDOW_MS;
}

export { percentile, histogramOf as histogram } from '../../lib/metrics/histogram.js';
import { histogramOf as histogram, percentile } from '../../lib/metrics/histogram.js';

const round = (n: number) => Math.round(n * 1000) / 1000;

export class RollupWindow {
  delivered = 0;
  deferred = 0;
  bounced = 0;
  accepted = 0;
  rejected: Record<string, number> = {};
  private readonly delays: StageDelays[] = [];

  constructor(readonly start: number) {}

  recordDelivered(delays: StageDelays): void {
    this.delivered++;
    this.delays.push(delays);
  }

  recordRejected(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  finish(context: {
    source: string;
    flow?: MailFlow;
    queueDepth: number;
    oldestAgeS: number;
    /** Ages of the waiting messages and per-destination oldest ages (mta/metrics/flows.ts). */
    waiting?: Counts;
    destinations?: Counts;
    topDestinations?: DestinationInput[];
    scanPolicy: ScanPolicy;
    scanBypassing: boolean;
  }): Rollup {
    const sortedBy = (stage: keyof StageDelays) => this.delays.map((d) => d[stage]).sort((a, b) => a - b);
    const totals = sortedBy('total');
    const opt = (n: number | null) => (n === null ? null : round(n));
    const p95 = (stage: keyof StageDelays) => opt(percentile(sortedBy(stage), 95));
    return {
      source: context.source,
      flow: context.flow ?? 'inbound',
      window_start: new Date(this.start).toISOString(),
      window_seconds: 10,
      delivered: this.delivered,
      deferred: this.deferred,
      bounced: this.bounced,
      delay_p50_s: opt(percentile(totals, 50)),
      delay_p95_s: opt(percentile(totals, 95)),
      delay_max_s: opt(totals.length ? totals[totals.length - 1]! : null),
      delay_histogram: { bounds: HISTOGRAM_BOUNDS_S, counts: histogram(totals) },
      stage_p95_s: { receive: p95('receive'), queue: p95('queue'), scan: p95('scan'), deliver: p95('deliver') },
      queue_depth: context.queueDepth,
      oldest_age_s: round(context.oldestAgeS),
      ...(context.waiting ? { waiting_histogram: [...context.waiting] } : {}),
      ...(context.destinations ? { destination_histogram: [...context.destinations] } : {}),
      top_destinations: context.topDestinations ?? [],
      accepted: this.accepted,
      rejected: { ...this.rejected },
      scan_policy: context.scanPolicy,
      scan_bypassing: context.scanBypassing,
    };
  }
}
