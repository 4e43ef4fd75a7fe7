// The one builder of the rollups that senders push to /api/ingest/mail-metrics (rollup-schema.ts):
// the bundled MTA (mta/metrics/telemetry.ts) and the Postfix log shipper (scripts/postfix/rollups.ts).
// What a flow's 10-second window counts, how the window becomes a rollup, and what the flow's queue
// looks like at the window's end are decided here once; where the events come from (the MTA's own
// pipeline, Postfix's log lines) stays with each sender.
import { addInto, bucketOf, emptyCounts, histogramOf, percentile, type Counts } from './histogram';
import { DELAY_BUCKET_BOUNDS, LISTED_DOMAIN, MAIL_FLOWS, OTHER_DOMAINS, type DestinationInput, type DomainDelay, type MailFlow, type RollupInput } from './rollup-schema';

export const WINDOW_MS = 10_000;

/** The start of the 10-second window `t` (ms since the epoch) falls in. */
export function windowStartOf(t: number): number {
  return Math.floor(t / WINDOW_MS) * WINDOW_MS;
}

/** A destination domain counts as "had mail lately" for this long after mail to it was handed over, refused or deferred. */
export const RECENT_DESTINATION_MS = 10 * 60_000;
/** Destinations listed per flow for staff, those whose mail has waited longest first. */
export const TOP_DESTINATIONS = 10;
const MAX_ERROR_CHARS = 300;
/** Hosted domains listed on their own in an inbound rollup unless the sender says otherwise (MTA_DOMAIN_TOP_N). */
export const DEFAULT_DOMAIN_TOP_N = 20;

// Delays in seconds with a millisecond's precision: Postfix logs two decimals, and sums such as
// 0.01 + 0.02 must not come out as 0.030000000000000002.
const round = (n: number) => Math.round(n * 1000) / 1000;
const roundOrNull = (n: number | null) => (n === null ? null : round(n));
const ascending = (values: number[]) => [...values].sort((a, b) => a - b);

const STAGES = ['receive', 'queue', 'scan', 'deliver'] as const;
type Stage = (typeof STAGES)[number];

/** One delivered message's delay in seconds, and its stages as far as the sender measures them. */
export type DeliveryDelays = { total: number } & Partial<Record<Stage, number>>;

/** One destination domain's waiting mail at a moment, counted per recipient. */
export interface DomainQueueState {
  domain: string;
  waiting: number;
  oldestAgeS: number;
  /** Ages of its waiting recipients, in the site's delay buckets. */
  ages: Counts;
}

/** One flow's waiting mail at a moment (a window's end). */
export interface FlowQueueState {
  depth: number;
  oldestAgeS: number;
  /** Ages of the waiting messages, in the site's delay buckets. */
  ages: Counts;
  /** Per destination that had mail lately: its oldest waiting age (0 when nothing waits), in the same buckets. */
  destinations: Counts;
  top: DestinationInput[];
  /** Every destination with mail waiting (inbound rollups list the busiest hosted domains from it). */
  domains?: DomainQueueState[];
}

/** A flow with nothing waiting and no destination lately. */
export function idleQueueState(): FlowQueueState {
  return { depth: 0, oldestAgeS: 0, ages: emptyCounts(), destinations: emptyCounts(), top: [], domains: [] };
}

export interface RollupContext {
  source: string;
  flow: MailFlow;
  /** The flow's queue at the window's end. */
  queue: FlowQueueState;
  scanPolicy: RollupInput['scan_policy'];
  scanBypassing: boolean;
  /** Inbound: hosted domains listed on their own, the rest summed as "other" (default DEFAULT_DOMAIN_TOP_N). */
  domainTopN?: number;
  /** The spam check's queue (inbound rollups of an MTA that scans; rollup-schema.ts `scanned`, `scan_ahead`). */
  scanQueue?: { scanned: number; ahead: number };
}

/** What one flow's mail did in one 10-second window. */
export class FlowWindow {
  delivered = 0;
  accepted = 0;
  readonly rejected: Record<string, number> = {};
  private readonly totals: number[] = [];
  private readonly stages: Record<Stage, number[]> = { receive: [], queue: [], scan: [], deliver: [] };
  private deferredAttempts = 0;
  private bouncedAttempts = 0;
  private readonly deferredMessages = new Set<string>();
  private readonly bouncedMessages = new Set<string>();
  /** Delays of the delivered mail per recipient domain (a message counts once per domain it reached). */
  private readonly domainTotals = new Map<string, number[]>();

  constructor(readonly start: number) {}

  /** `domains`: the recipient domains the message was delivered to (inbound: the hosted domains). */
  recordDelivered(delays: DeliveryDelays, domains: Iterable<string> = []): void {
    this.delivered++;
    this.totals.push(delays.total);
    for (const domain of new Set([...domains].map((d) => d.toLowerCase()))) {
      const list = this.domainTotals.get(domain) ?? [];
      list.push(delays.total);
      this.domainTotals.set(domain, list);
    }
    for (const stage of STAGES) {
      const value = delays[stage];
      if (value !== undefined) this.stages[stage].push(value);
    }
  }

  /**
   * A delivery attempt that will be tried again. With a message id it counts once per message in
   * this window (a log may name one message several times per attempt); without, every call counts.
   */
  recordDeferred(messageId?: string): void {
    if (messageId === undefined) this.deferredAttempts++;
    else this.deferredMessages.add(messageId);
  }

  /** Mail returned to its sender; counted as recordDeferred counts. */
  recordBounced(messageId?: string): void {
    if (messageId === undefined) this.bouncedAttempts++;
    else this.bouncedMessages.add(messageId);
  }

  recordAccepted(): void {
    this.accepted++;
  }

  recordRejected(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  get deferred(): number {
    return this.deferredAttempts + this.deferredMessages.size;
  }

  get bounced(): number {
    return this.bouncedAttempts + this.bouncedMessages.size;
  }

  /** The rollup of this window, as rollupSchema accepts it. */
  finish(context: RollupContext): RollupInput {
    const totals = ascending(this.totals);
    const stageP95 = (stage: Stage) => roundOrNull(percentile(ascending(this.stages[stage]), 95));
    const { queue } = context;
    return {
      source: context.source,
      flow: context.flow,
      window_start: new Date(this.start).toISOString(),
      window_seconds: 10,
      delivered: this.delivered,
      deferred: this.deferred,
      bounced: this.bounced,
      delay_p50_s: roundOrNull(percentile(totals, 50)),
      delay_p95_s: roundOrNull(percentile(totals, 95)),
      delay_max_s: roundOrNull(totals.length ? totals[totals.length - 1]! : null),
      delay_histogram: { bounds: [...DELAY_BUCKET_BOUNDS], counts: histogramOf(totals) },
      stage_p95_s: { receive: stageP95('receive'), queue: stageP95('queue'), scan: stageP95('scan'), deliver: stageP95('deliver') },
      queue_depth: queue.depth,
      oldest_age_s: round(queue.oldestAgeS),
      waiting_histogram: [...queue.ages],
      destination_histogram: [...queue.destinations],
      top_destinations: queue.top,
      ...(context.flow === 'inbound' ? { domains: domainBreakdown(this.domainTotals, queue.domains ?? [], context.domainTopN ?? DEFAULT_DOMAIN_TOP_N) } : {}),
      accepted: this.accepted,
      rejected: { ...this.rejected },
      ...(context.scanQueue ? { scanned: context.scanQueue.scanned, scan_ahead: context.scanQueue.ahead } : {}),
      scan_policy: context.scanPolicy,
      scan_bypassing: context.scanBypassing,
    };
  }
}

/**
 * The busiest `topN` domains (delivered plus waiting) on their own, every other one summed into
 * "other" (left out when nothing is left over). Names that are not plain lower-case domain names
 * (a dotless host, a malformed address) are counted in "other".
 */
export function domainBreakdown(delivered: ReadonlyMap<string, readonly number[]>, waiting: readonly DomainQueueState[], topN: number): DomainDelay[] {
  const byName = new Map<string, { delays: number[]; queue: DomainQueueState | null }>();
  for (const [domain, delays] of delivered) byName.set(domain, { delays: [...delays], queue: null });
  for (const q of waiting) {
    const key = q.domain.toLowerCase();
    const entry = byName.get(key) ?? { delays: [], queue: null };
    entry.queue = q;
    byName.set(key, entry);
  }
  const busy = (e: { delays: number[]; queue: DomainQueueState | null }) => e.delays.length + (e.queue?.waiting ?? 0);
  const ranked = [...byName].filter(([domain]) => LISTED_DOMAIN.test(domain)).sort((a, b) => busy(b[1]) - busy(a[1]) || a[0].localeCompare(b[0]));
  const listed = new Set(ranked.slice(0, Math.max(0, topN)).map(([domain]) => domain));
  const entryOf = (domain: string, delays: number[], queues: DomainQueueState[]): DomainDelay => {
    const sorted = ascending(delays);
    const ages = emptyCounts();
    let waitingCount = 0;
    let oldest = 0;
    for (const q of queues) {
      waitingCount += q.waiting;
      oldest = Math.max(oldest, q.oldestAgeS);
      addInto(ages, q.ages);
    }
    return {
      domain,
      delivered: sorted.length,
      delay_histogram: histogramOf(sorted),
      delay_max_s: sorted.length ? round(sorted[sorted.length - 1]!) : null,
      waiting: waitingCount,
      waiting_histogram: ages,
      oldest_age_s: round(oldest),
    };
  };
  const out = ranked.filter(([domain]) => listed.has(domain)).map(([domain, e]) => entryOf(domain, e.delays, e.queue ? [e.queue] : []));
  const rest = [...byName].filter(([domain]) => !listed.has(domain));
  if (rest.length) out.push(entryOf(OTHER_DOMAINS, rest.flatMap(([, e]) => e.delays), rest.flatMap(([, e]) => (e.queue ? [e.queue] : []))));
  return out;
}

interface FlowTally {
  depth: number;
  oldestMs: number;
  ages: Counts;
  byDomain: Map<string, { waiting: number; oldestMs: number; lastError: string | null; ages: Counts }>;
}

/**
 * Each flow's waiting mail at one moment, told message by message and recipient by recipient.
 * Inbound mail is judged by message and outbound mail by destination (lib/metrics/signals.ts), so
 * both are kept: a message with recipients in both flows waits in both.
 */
export class QueueTally {
  private readonly flows = Object.fromEntries(MAIL_FLOWS.map((flow) => [flow, { depth: 0, oldestMs: 0, ages: emptyCounts(), byDomain: new Map() }])) as Record<MailFlow, FlowTally>;

  /** A message waiting in `flow` for `ageMs`; tell each message once per flow it waits in. */
  message(flow: MailFlow, ageMs: number): void {
    const f = this.flows[flow];
    f.depth++;
    f.oldestMs = Math.max(f.oldestMs, ageMs);
    f.ages[bucketOf(ageMs / 1000)]++;
  }

  /**
   * One waiting recipient at `domain`, of a message waiting for `ageMs`. The domain's error shown
   * to staff is the one of its oldest waiting message.
   */
  recipient(flow: MailFlow, domain: string, ageMs: number, lastError: string | null): void {
    const byDomain = this.flows[flow].byDomain;
    const key = domain.toLowerCase();
    const d = byDomain.get(key) ?? { waiting: 0, oldestMs: 0, lastError: null, ages: emptyCounts() };
    d.waiting++;
    d.ages[bucketOf(ageMs / 1000)]++;
    if (ageMs >= d.oldestMs) {
      d.oldestMs = ageMs;
      d.lastError = lastError;
    }
    byDomain.set(key, d);
  }

  /** Each flow's state. `recentDomains`: the flow's destinations that had mail lately (RECENT_DESTINATION_MS). */
  finish(recentDomains: (flow: MailFlow) => Iterable<string>): Record<MailFlow, FlowQueueState> {
    return Object.fromEntries(MAIL_FLOWS.map((flow) => [flow, this.flowState(flow, recentDomains(flow))])) as Record<MailFlow, FlowQueueState>;
  }

  private flowState(flow: MailFlow, recentDomains: Iterable<string>): FlowQueueState {
    const f = this.flows[flow];
    const destinations = emptyCounts();
    for (const d of f.byDomain.values()) destinations[bucketOf(d.oldestMs / 1000)]++;
    // Domains that had mail lately and have nothing waiting now count as "not late".
    for (const domain of recentDomains) if (!f.byDomain.has(domain.toLowerCase())) destinations[0]++;
    const top = [...f.byDomain]
      .sort((a, b) => b[1].oldestMs - a[1].oldestMs || a[0].localeCompare(b[0]))
      .slice(0, TOP_DESTINATIONS)
      .map(([domain, d]) => ({ domain, waiting: d.waiting, oldest_age_s: round(d.oldestMs / 1000), last_error: d.lastError ? d.lastError.slice(0, MAX_ERROR_CHARS) : null }));
    const domains = [...f.byDomain].map(([domain, d]) => ({ domain, waiting: d.waiting, oldestAgeS: d.oldestMs / 1000, ages: d.ages }));
    return { depth: f.depth, oldestAgeS: f.oldestMs / 1000, ages: f.ages, destinations, top, domains };
  }
}
