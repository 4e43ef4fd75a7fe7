// Folds parsed Postfix events into the site's 10-second rollups (contracts/rollup-schema.ts),
// built by the same code as the bundled MTA's (contracts/rollup-builder.ts): one rollup per flow
// (inbound, outbound) and window.
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
import { FlowWindow, WINDOW_MS, windowStartOf, type FlowQueueState } from '#contracts/rollup-builder';
import { MAIL_FLOWS, rollupSchema, type MailFlow, type RollupInput } from '#contracts/rollup-schema';
import { acceptedFlow, deliveryRole, type NextHopRule } from './flows.js';
import { MessageTracker, type SentDelay } from './messages.js';
import type { ParsedLine, PostfixEvent } from './parser.js';

export { WINDOW_MS };

/** The JSON the site accepts for one flow and window (the input side of rollupSchema). */
export type RollupBody = RollupInput;

// Postfix logs delays with two decimals; sums like 0.01 + 0.02 must not come out as 0.030000000000000002.
const round = (n: number) => Math.round(n * 1000) / 1000;

interface WindowState {
  start: number;
  flows: Record<MailFlow, FlowWindow>;
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
  /** Hosted domains listed on their own in inbound rollups (--domain-top-n). */
  domainTopN?: number;
}

export class RollupBuilder {
  private readonly open = new Map<number, WindowState>();
  private readonly tracker: MessageTracker;
  private readonly waitingFlow: MailFlow;
  private readonly nextHops: readonly NextHopRule[];
  private readonly domainTopN: number | undefined;
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
    this.domainTopN = options.domainTopN;
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
        w.flows.inbound.recordRejected(t.reason);
        continue;
      }
      const f = w.flows[t.flow];
      switch (t.kind) {
        case 'delivered': {
          const stages = t.sent.delays;
          // Postfix has no content-scan stage of its own (a content_filter is a hop and a second message).
          f.recordDelivered(stages ? { total: t.sent.delay, receive: stages.beforeQmgr, queue: stages.inQmgr, deliver: round(stages.connSetup + stages.transmission) } : { total: t.sent.delay }, t.sent.domains);
          break;
        }
        // One count per message and window: Postfix may log several lines for one attempt.
        case 'deferred':
          f.recordDeferred(t.queueId);
          break;
        case 'bounced':
          f.recordBounced(t.queueId);
          break;
        case 'accepted':
          f.recordAccepted();
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
      w = { start, flows: { inbound: new FlowWindow(start), outbound: new FlowWindow(start) }, queueAtEnd: null };
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
    return MAIL_FLOWS.map((flow) => {
      const body = w.flows[flow].finish({ source: this.source, flow, queue: queues[flow], scanPolicy: 'enabled', scanBypassing: false, domainTopN: this.domainTopN });
      // The contract is the site's: fail here, with the field, rather than have the site refuse a batch.
      const checked = rollupSchema.safeParse(body);
      if (!checked.success) throw new Error(`internal error: ${flow} rollup for ${body.window_start} does not fit the site's schema: ${checked.error.message}`);
      return body;
    });
  }
}
