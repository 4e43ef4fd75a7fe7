// Which flow a recipient's mail belongs to, and what each flow's queue looks like at a moment:
// how many messages wait, how long, and for which destination domains. The status site judges
// inbound mail by message and outbound mail by destination (lib/metrics/signals.ts).
import { emptyCounts, bucketOf, type Counts } from '../../lib/metrics/histogram.js';
import { MAIL_FLOWS, type DestinationInput, type MailFlow } from '../../lib/metrics/rollup-schema.js';
import type { QueuedMessage, Recipient } from '../spool/spool.js';

export { MAIL_FLOWS, type MailFlow };

/** Hosted mailboxes are inbound mail; every other domain is outbound. */
export function flowOf(recipient: Pick<Recipient, 'route'>): MailFlow {
  return recipient.route === 'local' ? 'inbound' : 'outbound';
}

/** A domain counts as "active lately" for this long after mail to it was handed over or refused. */
export const RECENT_DESTINATION_MS = 10 * 60_000;
const TOP_DESTINATIONS = 10;

/** Destination domains that had mail lately, per flow: the denominator of "many destinations". */
export class RecentDestinations {
  private readonly seen: Record<MailFlow, Map<string, number>> = { inbound: new Map(), outbound: new Map() };

  touch(flow: MailFlow, domain: string, at = Date.now()): void {
    this.seen[flow].set(domain.toLowerCase(), at);
  }

  /** Domains seen within RECENT_DESTINATION_MS of `now`; older ones are forgotten. */
  active(flow: MailFlow, now = Date.now()): string[] {
    const map = this.seen[flow];
    for (const [domain, at] of map) if (now - at > RECENT_DESTINATION_MS) map.delete(domain);
    return [...map.keys()];
  }
}

export interface FlowQueueState {
  depth: number;
  oldestAgeS: number;
  /** Ages of the waiting messages, in the site's delay buckets. */
  ages: Counts;
  /** Per destination active lately: its oldest waiting age (0 when nothing waits), in the same buckets. */
  destinations: Counts;
  top: DestinationInput[];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Each flow's waiting mail: a message with recipients of both flows waits in both. */
export function flowQueueStates(messages: Iterable<QueuedMessage>, recent: RecentDestinations, now = Date.now()): Record<MailFlow, FlowQueueState> {
  const perFlow = Object.fromEntries(
    MAIL_FLOWS.map((flow) => [flow, { depth: 0, oldestMs: 0, ages: emptyCounts(), byDomain: new Map<string, { waiting: number; oldestMs: number; lastError: string | null }>() }]),
  ) as Record<MailFlow, { depth: number; oldestMs: number; ages: Counts; byDomain: Map<string, { waiting: number; oldestMs: number; lastError: string | null }> }>;

  for (const message of messages) {
    const ageMs = Math.max(0, now - message.receivedAt);
    const flows = new Set<MailFlow>();
    for (const r of message.recipients) {
      if (r.state !== 'pending') continue;
      const flow = flowOf(r);
      const f = perFlow[flow];
      if (!flows.has(flow)) {
        flows.add(flow);
        f.depth++;
        f.oldestMs = Math.max(f.oldestMs, ageMs);
        f.ages[bucketOf(ageMs / 1000)]++;
      }
      const domain = r.domain.toLowerCase();
      const d = f.byDomain.get(domain) ?? { waiting: 0, oldestMs: 0, lastError: null };
      d.waiting++;
      if (ageMs >= d.oldestMs) {
        d.oldestMs = ageMs;
        d.lastError = message.lastError;
      }
      f.byDomain.set(domain, d);
    }
  }

  return Object.fromEntries(
    MAIL_FLOWS.map((flow) => {
      const f = perFlow[flow];
      const destinations = emptyCounts();
      for (const d of f.byDomain.values()) destinations[bucketOf(d.oldestMs / 1000)]++;
      // Domains that had mail lately and have nothing waiting now count as "not late".
      const idle = recent.active(flow, now).filter((domain) => !f.byDomain.has(domain)).length;
      destinations[0] += idle;
      const top = [...f.byDomain]
        .sort((a, b) => b[1].oldestMs - a[1].oldestMs || a[0].localeCompare(b[0]))
        .slice(0, TOP_DESTINATIONS)
        .map(([domain, d]) => ({ domain, waiting: d.waiting, oldest_age_s: round(d.oldestMs / 1000), last_error: d.lastError ? d.lastError.slice(0, 300) : null }));
      return [flow, { depth: f.depth, oldestAgeS: f.oldestMs / 1000, ages: f.ages, destinations, top }];
    }),
  ) as Record<MailFlow, FlowQueueState>;
}
