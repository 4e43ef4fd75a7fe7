// Which flow a recipient's mail belongs to, and what each flow's queue looks like at a moment:
// how many messages wait, how long, and for which destination domains. The status site judges
// inbound mail by message and outbound mail by destination (lib/metrics/signals.ts).
import { QueueTally, RECENT_DESTINATION_MS, type FlowQueueState } from '#contracts/rollup-builder';
import { MAIL_FLOWS, type MailFlow } from '#contracts/rollup-schema';
import type { QueuedMessage, Recipient } from '../spool/spool.js';

export { MAIL_FLOWS, RECENT_DESTINATION_MS, type FlowQueueState, type MailFlow };

/** Hosted mailboxes are inbound mail; every other domain is outbound. */
export function flowOf(recipient: Pick<Recipient, 'route'>): MailFlow {
  return recipient.route === 'local' ? 'inbound' : 'outbound';
}

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

/** Each flow's waiting mail: a message with recipients of both flows waits in both. */
export function flowQueueStates(messages: Iterable<QueuedMessage>, recent: RecentDestinations, now = Date.now()): Record<MailFlow, FlowQueueState> {
  const tally = new QueueTally();
  for (const message of messages) {
    const ageMs = Math.max(0, now - message.receivedAt);
    const flows = new Set<MailFlow>();
    for (const r of message.recipients) {
      if (r.state !== 'pending') continue;
      const flow = flowOf(r);
      if (!flows.has(flow)) {
        flows.add(flow);
        tally.message(flow, ageMs);
      }
      tally.recipient(flow, r.domain, ageMs, message.lastError);
    }
  }
  return tally.finish((flow) => recent.active(flow, now));
}
