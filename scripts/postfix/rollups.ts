// Folds parsed Postfix events into the site's 10-second rollups (lib/metrics/rollup-schema.ts),
// the same contract the bundled MTA pushes: one rollup per flow (inbound, outbound) and window.
// Each event counts in the window of its log timestamp. Each flow's queue (depth, ages, waiting
// destinations) is estimated from qmgr's "queue active" and "removed" lines and the delivery
// lines, and sampled at each window's end.
//
// What counts where (docs/postfix-ingest.md, "Flows"):
// - a delivery line's flow is its agent's (flows.ts: deliveryRole); error/retry lines go with the
//   message: the flow it came in as, else --waiting-flow;
// - delivered: once per message and flow, when every recipient of the flow is done and one was
//   sent, with the slowest of those deliveries' delays (as the bundled MTA counts);
// - deferred, bounced: once per message and flow per window (a delivery attempt; Postfix retries
//   minutes apart);
// - accepted: once per message, in the flow it came in as (authenticated or local submission and
//   Postfix's own notices: outbound), else --waiting-flow;
// - rejected: refusals at the door, inbound's (as the bundled MTA counts them).
import { MAIL_FLOWS, DELAY_BUCKET_BOUNDS, rollupSchema, type MailFlow, type RollupInput } from '../../lib/metrics/rollup-schema.js';
import { acceptedFlow, deliveryRole, type NextHopRule } from './flows.js';
import { MessageTracker, type FlowQueueState, type SentDelay } from './messages.js';
import type { ParsedLine, PostfixEvent } from './parser.js';

export const WINDOW_MS = 10_000;

/** The JSON the site accepts for one flow and window (the input side of rollupSchema). */
export type RollupBody = RollupInput;

export const windowStartOf = (t: number) => Math.floor(t / WINDOW_MS) * WINDOW_MS;

export { percentile, histogramOf as delayHistogram } from '../../lib/metrics/histogram.js';
import { percentile, histogramOf as delayHistogram } from '../../lib/metrics/histogram.js';

// Postfix logs delays with two decimals; sums like 0.01 + 0.02 must not come out as 0.030000000000000002.
const round = (n: number) => Math.round(n * 1000) / 1000;

interface FlowCounts {
  delivered: number;
  /** Queue ids deferred / bounced in this window: one count per message. */
  deferred: Set<string>;
  bounced: Set<string>;
  accepted: number;
  rejected: Record<string, number>;
  delays: number[];
  receive: number[];
  queue: number[];
  deliver: number[];
}

interface WindowState {
  start: number;
  flows: Record<MailFlow, FlowCounts>;
  /** Queue state sampled when the first line past this window's end arrived. */
  queueAtEnd: Record<MailFlow, FlowQueueState> | null;
}

/** What one line adds to its window. */
type Tally =
  | { kind: 'delivered'; flow: MailFlow; sent: SentDelay }
  | { kind: 'deferred' | 'bounced'; flow: MailFlow; queueId: string }
  | { kind: 'accepted'; flow: MailFlow }
  | { kind: 'rejected'; reason: string };

export interface RollupCounters {
  /** Events whose window had already been handed out when they arrived (out-of-order or very late lines). */
  late: number;
}

export interface RollupOptions {
  /** The flow of mail the log does not place: queued before any delivery attempt, from SMTP clients without a login (default inbound, an MX). */
  waitingFlow?: MailFlow;
  /** --next-hop rules: next hops that are mailbox servers, filters or otherwise not what their agent says. */
  nextHops?: readonly NextHopRule[];
}

export class RollupBuilder {
  private readonly open = new Map<number, WindowState>();
  private readonly tracker: MessageTracker;
  private readonly waitingFlow: MailFlow;
  private readonly nextHops: readonly NextHopRule[];
  /** Windows before this start have been handed out. */
  private handedOutBefore = -Infinity;
  private newest = -Infinity;
  readonly counters: RollupCounters = { late: 0 };

  constructor(
    private readonly source: string,
    options: RollupOptions = {},
  ) {
    this.waitingFlow = options.waitingFlow ?? 'inbound';
    this.nextHops = options.nextHops ?? [];
    this.tracker = new MessageTracker(this.waitingFlow);
  }

  /** The newest log timestamp seen so far. */
  get newestTime(): number {
    return this.newest;
  }

  get openWindows(): number {
    return this.open.size;
  }

  add(parsed: ParsedLine): void {
    const { time, event } = parsed;
    if (time === null || event.kind === 'ignored' || event.kind === 'not_understood') return;
    this.sampleQueueBefore(time);
    if (time > this.newest) this.newest = time;

    // The messages' bookkeeping follows every line, late or not.
    const tallies = this.track(event, time);

    const start = windowStartOf(time);
    if (start < this.handedOutBefore) {
      if (tallies.length) this.counters.late++;
      return;
    }
    const w = this.window(start); // even with nothing to count: the window's queue state is reported
    for (const t of tallies) {
      if (t.kind === 'rejected') {
        const rejected = w.flows.inbound.rejected;
        rejected[t.reason] = (rejected[t.reason] ?? 0) + 1;
        continue;
      }
      const f = w.flows[t.flow];
      switch (t.kind) {
        case 'delivered':
          f.delivered++;
          f.delays.push(t.sent.delay);
          if (t.sent.delays) {
            f.receive.push(t.sent.delays.beforeQmgr);
            f.queue.push(t.sent.delays.inQmgr);
            f.deliver.push(round(t.sent.delays.connSetup + t.sent.delays.transmission));
          }
          break;
        case 'deferred':
          f.deferred.add(t.queueId);
          break;
        case 'bounced':
          f.bounced.add(t.queueId);
          break;
        case 'accepted':
          f.accepted++;
          break;
      }
    }
  }

  private track(event: Exclude<PostfixEvent, { kind: 'ignored' | 'not_understood' }>, time: number): Tally[] {
    const t = this.tracker;
    switch (event.kind) {
      case 'accepted': {
        const entry = acceptedFlow(event.via);
        return t.accepted(event.queueId, time, entry) ? [{ kind: 'accepted', flow: entry ?? this.waitingFlow }] : [];
      }
      case 'queued':
        t.queued(event.queueId, time, event.nrcpt);
        return [];
      case 'removed':
        return t.removed(event.queueId).map(({ flow, sent }) => ({ kind: 'delivered', flow, sent }));
      case 'reject':
        // A message cleanup or a milter refused after it had a queue id never reaches qmgr.
        if (event.queueId) t.dropped(event.queueId);
        return [{ kind: 'rejected', reason: event.reason }];
      case 'expired':
        return t.waitingFlows(event.queueId).map((flow) => ({ kind: 'bounced', flow, queueId: event.queueId }));
      case 'delivery': {
        const role = deliveryRole(event.agent, event.relay, this.nextHops);
        const flow = role === null || role === 'filter' ? t.fallbackFlow(event.queueId) : role;
        if (role === 'filter') {
          // A hop through a content filter is no delivery: the filter hands the mail back as a
          // new message, counted on its own. A filter that defers or refuses holds mail up, though.
          return event.status === 'sent' ? [] : [{ kind: event.status === 'deferred' ? 'deferred' : 'bounced', flow, queueId: event.queueId }];
        }
        const finished = t.delivery(event.queueId, time, { recipient: event.recipient, flow, status: event.status, detail: event.detail, delay: event.delay, delays: event.delays });
        const tallies: Tally[] = finished.map(({ flow, sent }) => ({ kind: 'delivered', flow, sent }));
        if (event.status !== 'sent') tallies.push({ kind: event.status, flow, queueId: event.queueId });
        return tallies;
      }
    }
  }

  /**
   * Hands out the windows that are complete, two rollups each (inbound, then outbound): those
   * ending at least `graceMs` before the newest log timestamp, or all of them when `all` is set
   * (end of file, idle, shutting down).
   */
  takeComplete(options: { graceMs?: number; all?: boolean } = {}): RollupBody[] {
    const grace = options.graceMs ?? WINDOW_MS;
    const starts = [...this.open.keys()].sort((a, b) => a - b);
    const out: RollupBody[] = [];
    for (const start of starts) {
      if (!options.all && start + WINDOW_MS + grace > this.newest) break;
      const w = this.open.get(start)!;
      this.open.delete(start);
      out.push(...this.finish(w));
      this.handedOutBefore = Math.max(this.handedOutBefore, start + WINDOW_MS);
    }
    // Destinations stay known while a window that may still report them is open.
    const earliestOpen = Math.min(this.newest, ...this.open.keys());
    this.tracker.forgetStale(this.newest, earliestOpen);
    return out;
  }

  private window(start: number): WindowState {
    let w = this.open.get(start);
    if (!w) {
      const counts = (): FlowCounts => ({ delivered: 0, deferred: new Set(), bounced: new Set(), accepted: 0, rejected: {}, delays: [], receive: [], queue: [], deliver: [] });
      w = { start, flows: { inbound: counts(), outbound: counts() }, queueAtEnd: null };
      this.open.set(start, w);
    }
    return w;
  }

  /** Before a line at `time` changes the queue, windows that end at or before it take their sample. */
  private sampleQueueBefore(time: number): void {
    for (const w of this.open.values()) {
      if (!w.queueAtEnd && w.start + WINDOW_MS <= time) w.queueAtEnd = this.tracker.queueAt(w.start + WINDOW_MS);
    }
  }

  private finish(w: WindowState): RollupBody[] {
    const queues = w.queueAtEnd ?? this.tracker.queueAt(w.start + WINDOW_MS);
    return MAIL_FLOWS.map((flow) => this.rollup(w.start, flow, w.flows[flow], queues[flow]));
  }

  private rollup(start: number, flow: MailFlow, c: FlowCounts, queue: FlowQueueState): RollupBody {
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const delays = sorted(c.delays);
    const p95 = (values: number[]) => {
      const v = percentile(sorted(values), 95);
      return v === null ? null : round(v);
    };
    const opt = (v: number | null) => (v === null ? null : round(v));
    const body: RollupBody = {
      source: this.source,
      flow,
      window_start: new Date(start).toISOString(),
      window_seconds: 10,
      delivered: c.delivered,
      deferred: c.deferred.size,
      bounced: c.bounced.size,
      delay_p50_s: opt(percentile(delays, 50)),
      delay_p95_s: opt(percentile(delays, 95)),
      delay_max_s: opt(delays.length ? delays[delays.length - 1]! : null),
      delay_histogram: { bounds: [...DELAY_BUCKET_BOUNDS], counts: delayHistogram(delays) },
      // Postfix has no content-scan stage of its own (a content_filter is a hop and a second message).
      stage_p95_s: { receive: p95(c.receive), queue: p95(c.queue), scan: null, deliver: p95(c.deliver) },
      queue_depth: queue.depth,
      oldest_age_s: round(queue.oldestAgeS),
      waiting_histogram: [...queue.ages],
      destination_histogram: [...queue.destinations],
      top_destinations: queue.top,
      accepted: c.accepted,
      rejected: { ...c.rejected },
      scan_policy: 'enabled',
      scan_bypassing: false,
    };
    // The contract is the site's: fail here, with the field, rather than have the site refuse a batch.
    const checked = rollupSchema.safeParse(body);
    if (!checked.success) throw new Error(`internal error: ${flow} rollup for ${body.window_start} does not fit the site's schema: ${checked.error.message}`);
    return body;
  }
}
