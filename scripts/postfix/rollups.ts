// Folds parsed Postfix events into the site's 10-second rollups (lib/metrics/rollup-schema.ts),
// the same contract the bundled MTA pushes. Each event counts in the window of its log timestamp.
// Queue depth and the oldest message's age are estimated from qmgr's "queue active" and
// "removed" lines and sampled at each window's end.
import { DELAY_BUCKET_BOUNDS, rollupSchema, type RollupInput } from '../../lib/metrics/rollup-schema.js';
import type { ParsedLine } from './parser.js';

export const WINDOW_MS = 10_000;
/** A message Postfix has not removed after this long was lost to us (postsuper, a missed line): forget it. */
const QUEUE_MEMORY_MS = 5 * 86_400_000 + 3_600_000;
const MAX_TRACKED_MESSAGES = 200_000;

/** The JSON the site accepts for one window (the input side of rollupSchema). */
export type RollupBody = RollupInput;

export const windowStartOf = (t: number) => Math.floor(t / WINDOW_MS) * WINDOW_MS;

export { percentile, histogramOf as delayHistogram } from '../../lib/metrics/histogram.js';
import { percentile, histogramOf as delayHistogram } from '../../lib/metrics/histogram.js';

// Postfix logs delays with two decimals; sums like 0.01 + 0.02 must not come out as 0.030000000000000002.
const round = (n: number) => Math.round(n * 1000) / 1000;

interface WindowState {
  start: number;
  delivered: number;
  deferred: number;
  bounced: number;
  accepted: number;
  rejected: Record<string, number>;
  delays: number[];
  receive: number[];
  queue: number[];
  deliver: number[];
  /** Queue state sampled when the first line past this window's end arrived. */
  queueAtEnd: { depth: number; oldestAgeS: number } | null;
}

export interface RollupCounters {
  /** Events whose window had already been handed out when they arrived (out-of-order or very late lines). */
  late: number;
}

export class RollupBuilder {
  private readonly open = new Map<number, WindowState>();
  /** queue id → when it entered Postfix (accepted or, failing that, first seen by qmgr). */
  private readonly inQueue = new Map<string, number>();
  /** queue id → when it was accepted; one "accepted" per message however many lines say so. */
  private readonly acceptedAt = new Map<string, number>();
  /** Windows before this start have been handed out. */
  private handedOutBefore = -Infinity;
  private newest = -Infinity;
  readonly counters: RollupCounters = { late: 0 };

  constructor(private readonly source: string) {}

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

    // Queue bookkeeping follows every line, late or not.
    let countsAsNew = true;
    switch (event.kind) {
      case 'accepted':
        if (this.acceptedAt.has(event.queueId)) countsAsNew = false;
        else remember(this.acceptedAt, event.queueId, time);
        break;
      case 'queued':
        if (!this.inQueue.has(event.queueId)) remember(this.inQueue, event.queueId, this.acceptedAt.get(event.queueId) ?? time);
        break;
      case 'removed':
        this.inQueue.delete(event.queueId);
        this.acceptedAt.delete(event.queueId);
        break;
      case 'reject':
        // A message cleanup or a milter refused after it had a queue id never reaches qmgr.
        if (event.queueId) {
          this.inQueue.delete(event.queueId);
          this.acceptedAt.delete(event.queueId);
        }
        break;
    }

    const start = windowStartOf(time);
    if (start < this.handedOutBefore) {
      if (event.kind !== 'removed' && event.kind !== 'queued' && countsAsNew) this.counters.late++;
      return;
    }
    const w = this.window(start);
    switch (event.kind) {
      case 'delivery':
        if (event.status === 'sent') {
          w.delivered++;
          w.delays.push(event.delay);
          if (event.delays) {
            w.receive.push(event.delays.beforeQmgr);
            w.queue.push(event.delays.inQmgr);
            w.deliver.push(round(event.delays.connSetup + event.delays.transmission));
          }
        } else if (event.status === 'deferred') w.deferred++;
        else w.bounced++;
        break;
      case 'expired':
        w.bounced++;
        break;
      case 'reject':
        w.rejected[event.reason] = (w.rejected[event.reason] ?? 0) + 1;
        break;
      case 'accepted':
        if (countsAsNew) w.accepted++;
        break;
      case 'queued':
      case 'removed':
        break; // the window exists, so its queue state is reported
    }
  }

  /**
   * Hands out the windows that are complete: those ending at least `graceMs` before the newest
   * log timestamp, or all of them when `all` is set (end of file, idle, shutting down).
   */
  takeComplete(options: { graceMs?: number; all?: boolean } = {}): RollupBody[] {
    const grace = options.graceMs ?? WINDOW_MS;
    const starts = [...this.open.keys()].sort((a, b) => a - b);
    const out: RollupBody[] = [];
    for (const start of starts) {
      if (!options.all && start + WINDOW_MS + grace > this.newest) break;
      const w = this.open.get(start)!;
      this.open.delete(start);
      out.push(this.finish(w));
      this.handedOutBefore = Math.max(this.handedOutBefore, start + WINDOW_MS);
    }
    this.forgetStaleMessages();
    return out;
  }

  private window(start: number): WindowState {
    let w = this.open.get(start);
    if (!w) {
      w = { start, delivered: 0, deferred: 0, bounced: 0, accepted: 0, rejected: {}, delays: [], receive: [], queue: [], deliver: [], queueAtEnd: null };
      this.open.set(start, w);
    }
    return w;
  }

  /** Before a line at `time` changes the queue, windows that end at or before it take their sample. */
  private sampleQueueBefore(time: number): void {
    for (const w of this.open.values()) {
      if (!w.queueAtEnd && w.start + WINDOW_MS <= time) w.queueAtEnd = this.queueAt(w.start + WINDOW_MS);
    }
  }

  private queueAt(at: number): { depth: number; oldestAgeS: number } {
    let oldest = Infinity;
    for (const since of this.inQueue.values()) if (since < oldest) oldest = since;
    return { depth: this.inQueue.size, oldestAgeS: this.inQueue.size ? Math.max(0, (at - oldest) / 1000) : 0 };
  }

  private forgetStaleMessages(): void {
    const cutoff = this.newest - QUEUE_MEMORY_MS;
    for (const map of [this.inQueue, this.acceptedAt]) {
      for (const [id, since] of map) if (since < cutoff) map.delete(id);
    }
  }

  private finish(w: WindowState): RollupBody {
    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const delays = sorted(w.delays);
    const p95 = (values: number[]) => {
      const v = percentile(sorted(values), 95);
      return v === null ? null : round(v);
    };
    const opt = (v: number | null) => (v === null ? null : round(v));
    const queue = w.queueAtEnd ?? this.queueAt(w.start + WINDOW_MS);
    const body: RollupBody = {
      source: this.source,
      window_start: new Date(w.start).toISOString(),
      window_seconds: 10,
      delivered: w.delivered,
      deferred: w.deferred,
      bounced: w.bounced,
      delay_p50_s: opt(percentile(delays, 50)),
      delay_p95_s: opt(percentile(delays, 95)),
      delay_max_s: opt(delays.length ? delays[delays.length - 1]! : null),
      delay_histogram: { bounds: [...DELAY_BUCKET_BOUNDS], counts: delayHistogram(delays) },
      // Postfix has no content-scan stage of its own (a content_filter shows up as a delivery).
      stage_p95_s: { receive: p95(w.receive), queue: p95(w.queue), scan: null, deliver: p95(w.deliver) },
      queue_depth: queue.depth,
      oldest_age_s: round(queue.oldestAgeS),
      accepted: w.accepted,
      rejected: { ...w.rejected },
      scan_policy: 'enabled',
      scan_bypassing: false,
    };
    // The contract is the site's: fail here, with the field, rather than have the site refuse a batch.
    const checked = rollupSchema.safeParse(body);
    if (!checked.success) throw new Error(`internal error: rollup for ${body.window_start} does not fit the site's schema: ${checked.error.message}`);
    return body;
  }
}

function remember(map: Map<string, number>, id: string, time: number): void {
  map.set(id, time);
  if (map.size > MAX_TRACKED_MESSAGES) map.delete(map.keys().next().value!);
}
