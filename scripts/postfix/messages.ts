// What the log has told us about the messages in Postfix's hands: when each came in, whether qmgr
// holds it, which of its recipients wait and in which flow, and the destination domains each flow
// had lately. Bounded: the rollups must not grow with a log that never ends.
// Each flow's waiting mail at a moment is counted by the bundled MTA's own code (QueueTally), with
// the same 10-minute activity window for destinations.
import { QueueTally, RECENT_DESTINATION_MS, type FlowQueueState } from '#contracts/rollup-builder';
import { MAIL_FLOWS, type MailFlow } from '#contracts/rollup-schema';
import { domainOf } from './flows.js';
import type { DeliveryStatus, PostfixDelays } from './parser.js';

export type { FlowQueueState };

/** A message Postfix has not removed after this long was lost to us (postsuper, a missed line): forget it. */
export const QUEUE_MEMORY_MS = 5 * 86_400_000 + 3_600_000;
export const MAX_TRACKED_MESSAGES = 200_000;
/** Recipients remembered across all messages; beyond it a message's further recipients are not (its flows then finish at "removed"). */
export const MAX_TRACKED_RECIPIENTS = 400_000;
/** Destination domains remembered per flow. */
export const MAX_TRACKED_DOMAINS = 50_000;
const MAX_ERROR_CHARS = 300;

/** A delivery's delays, for the rollup of the window its message counts as delivered in. */
export interface SentDelay {
  delay: number;
  delays: PostfixDelays | null;
  /** The recipient domains of the flow that were sent to (each hosted domain's delay is the message's). */
  domains?: string[];
}

interface TrackedRecipient {
  flow: MailFlow;
  domain: string;
  waiting: boolean;
}

interface FlowProgress {
  /** Recipients of this flow deferred at their last attempt. */
  waiting: number;
  /** The slowest sent delivery of this flow so far; null when none was sent. */
  slowest: SentDelay | null;
  /** Delivered has been counted for this flow (once per message and flow). */
  counted: boolean;
  /** Domains of the recipients of this flow that were sent to. */
  sentDomains: Set<string>;
}

interface TrackedMessage {
  /** When it entered Postfix: accepted, else first seen. */
  since: number;
  /** qmgr has it ("queue active" seen, "removed" not yet). */
  queued: boolean;
  /** All its recipients, from qmgr; null until qmgr logged it. */
  nrcpt: number | null;
  accepted: boolean;
  /** The flow its acceptance line tells (acceptedFlow); null when not known. */
  entryFlow: MailFlow | null;
  recipients: Map<string, TrackedRecipient>;
  /** Some recipients were not remembered (MAX_TRACKED_RECIPIENTS). */
  incomplete: boolean;
  flows: Partial<Record<MailFlow, FlowProgress>>;
}

interface DestinationEntry {
  lastSeen: number;
  /** Recipients of this domain waiting now; an entry with any is never forgotten. */
  waiting: number;
  lastError: string | null;
}

/** Per flow: destination domains with their last activity and last deferral reason. */
class Destinations {
  private readonly domains = new Map<string, DestinationEntry>();

  private entry(domain: string): DestinationEntry {
    let e = this.domains.get(domain);
    if (e) {
      // Most recently touched last, so that the cap drops the domains idle longest.
      this.domains.delete(domain);
    } else {
      e = { lastSeen: -Infinity, waiting: 0, lastError: null };
      if (this.domains.size >= MAX_TRACKED_DOMAINS) this.domains.delete(this.domains.keys().next().value!);
    }
    this.domains.set(domain, e);
    return e;
  }

  touch(domain: string, at: number, deferredBecause?: string): void {
    const e = this.entry(domain);
    e.lastSeen = Math.max(e.lastSeen, at);
    if (deferredBecause !== undefined) e.lastError = deferredBecause.slice(0, MAX_ERROR_CHARS) || null;
  }

  hold(domain: string): void {
    const e = this.domains.get(domain);
    if (e) e.waiting++;
  }

  release(domain: string): void {
    const e = this.domains.get(domain);
    if (e && e.waiting > 0) e.waiting--;
  }

  lastError(domain: string): string | null {
    return this.domains.get(domain)?.lastError ?? null;
  }

  /** Domains with mail handed over, refused or deferred within RECENT_DESTINATION_MS before `at`. */
  activeAt(at: number): string[] {
    const out: string[] = [];
    for (const [domain, e] of this.domains) if (e.lastSeen <= at && at - e.lastSeen <= RECENT_DESTINATION_MS) out.push(domain);
    return out;
  }

  forgetIdleBefore(cutoff: number): void {
    for (const [domain, e] of this.domains) if (e.waiting === 0 && e.lastSeen < cutoff) this.domains.delete(domain);
  }
}

export class MessageTracker {
  private readonly messages = new Map<string, TrackedMessage>();
  private readonly destinations: Record<MailFlow, Destinations> = { inbound: new Destinations(), outbound: new Destinations() };
  private trackedRecipients = 0;

  /** Where mail of no known flow counts (--waiting-flow). */
  constructor(private readonly waitingFlow: MailFlow) {}

  get size(): number {
    return this.messages.size;
  }

  /** The flow of a message's mail when nothing else tells: the flow it came in as, else --waiting-flow. */
  fallbackFlow(queueId: string): MailFlow {
    return this.messages.get(queueId)?.entryFlow ?? this.waitingFlow;
  }

  private message(queueId: string, time: number): TrackedMessage {
    let m = this.messages.get(queueId);
    if (!m) {
      m = { since: time, queued: false, nrcpt: null, accepted: false, entryFlow: null, recipients: new Map(), incomplete: false, flows: {} };
      this.messages.set(queueId, m);
      if (this.messages.size > MAX_TRACKED_MESSAGES) this.forget(this.messages.keys().next().value!);
    }
    return m;
  }

  /** The first acceptance line of a message; false for the lines after it (cleanup after smtpd). */
  accepted(queueId: string, time: number, entryFlow: MailFlow | null): boolean {
    const m = this.message(queueId, time);
    if (m.accepted) return false;
    m.accepted = true;
    m.entryFlow = entryFlow;
    m.since = Math.min(m.since, time);
    return true;
  }

  queued(queueId: string, time: number, nrcpt: number): void {
    const m = this.message(queueId, time);
    m.queued = true;
    m.nrcpt = nrcpt;
  }

  /**
   * One recipient's delivery attempt in a flow. Returns the flows this line finishes the
   * message's mail in, with the delays to count: every recipient of the flow is done, none
   * waits, and one was delivered. A flow's recipients are all known once as many recipients as
   * qmgr's nrcpt have been seen (at once when qmgr's line was not read), so the last recipient
   * seen, whatever its flow, can finish the other flow.
   */
  delivery(queueId: string, time: number, d: { recipient: string; flow: MailFlow; status: DeliveryStatus; detail: string; delay: number; delays: PostfixDelays | null }): { flow: MailFlow; sent: SentDelay }[] {
    const m = this.message(queueId, time);
    const key = d.recipient.toLowerCase();
    const domain = domainOf(key);
    const waiting = d.status === 'deferred';

    const before = m.recipients.get(key);
    if (before?.waiting) this.stopWaiting(m, before);
    if (domain) this.destinations[d.flow].touch(domain, time, waiting ? d.detail : undefined);
    const progress = (m.flows[d.flow] ??= { waiting: 0, slowest: null, counted: false, sentDomains: new Set() });
    if (d.status === 'sent' && domain) progress.sentDomains.add(domain);
    const recipient = before ?? (this.trackedRecipients < MAX_TRACKED_RECIPIENTS ? this.newRecipient(m, key) : null);
    if (recipient) {
      Object.assign(recipient, { flow: d.flow, domain, waiting });
      if (waiting) {
        progress.waiting++;
        if (domain) this.destinations[d.flow].hold(domain);
      }
    } else {
      m.incomplete = true;
    }

    if (d.status === 'sent' && !progress.counted && (!progress.slowest || d.delay >= progress.slowest.delay)) progress.slowest = { delay: d.delay, delays: d.delays };
    if (m.incomplete || (m.nrcpt !== null && m.recipients.size < m.nrcpt)) return [];
    const finished: { flow: MailFlow; sent: SentDelay }[] = [];
    for (const flow of MAIL_FLOWS) {
      const p = m.flows[flow];
      if (!p || p.counted || !p.slowest || p.waiting > 0) continue;
      p.counted = true;
      finished.push({ flow, sent: { ...p.slowest, domains: [...p.sentDomains] } });
    }
    return finished;
  }

  private newRecipient(m: TrackedMessage, key: string): TrackedRecipient {
    const r: TrackedRecipient = { flow: this.waitingFlow, domain: '', waiting: false };
    m.recipients.set(key, r);
    this.trackedRecipients++;
    return r;
  }

  private stopWaiting(m: TrackedMessage, r: TrackedRecipient): void {
    r.waiting = false;
    const progress = m.flows[r.flow];
    if (progress && progress.waiting > 0) progress.waiting--;
    if (r.domain) this.destinations[r.flow].release(r.domain);
  }

  /** The flows a message was waiting in, for an expiry (bounced in each). */
  waitingFlows(queueId: string): MailFlow[] {
    const m = this.messages.get(queueId);
    const flows = m ? MAIL_FLOWS.filter((f) => (m.flows[f]?.waiting ?? 0) > 0) : [];
    return flows.length ? flows : [this.fallbackFlow(queueId)];
  }

  /** Postfix is done with the message: the flows whose delivery had not been counted yet are, now. */
  removed(queueId: string): { flow: MailFlow; sent: SentDelay }[] {
    const m = this.messages.get(queueId);
    if (!m) return [];
    const finished: { flow: MailFlow; sent: SentDelay }[] = [];
    for (const flow of MAIL_FLOWS) {
      const p = m.flows[flow];
      if (p && !p.counted && p.slowest) finished.push({ flow, sent: { ...p.slowest, domains: [...p.sentDomains] } });
    }
    this.forget(queueId);
    return finished;
  }

  /** Refused after it had a queue id (cleanup, a milter): it never reaches qmgr. */
  dropped(queueId: string): void {
    this.forget(queueId);
  }

  private forget(queueId: string): void {
    const m = this.messages.get(queueId);
    if (!m) return;
    for (const r of m.recipients.values()) if (r.waiting) this.stopWaiting(m, r);
    this.trackedRecipients -= m.recipients.size;
    this.messages.delete(queueId);
  }

  /** Forgets messages older than QUEUE_MEMORY_MS and domains idle since before `domainCutoff`. */
  forgetStale(newest: number, domainCutoff: number): void {
    const cutoff = newest - QUEUE_MEMORY_MS;
    for (const [id, m] of this.messages) if (m.since < cutoff) this.forget(id);
    for (const flow of MAIL_FLOWS) this.destinations[flow].forgetIdleBefore(domainCutoff - RECENT_DESTINATION_MS);
  }

  /**
   * Each flow's waiting mail at `at`: a queued message waits in every flow it has a deferred
   * recipient in; one that has recipients no delivery line has named yet (none tried so far)
   * waits in its fallback flow. A message with recipients in both flows waits in both.
   */
  queueAt(at: number): Record<MailFlow, FlowQueueState> {
    const tally = new QueueTally();
    for (const m of this.messages.values()) {
      if (!m.queued) continue;
      const ageMs = Math.max(0, at - m.since);
      const flows = MAIL_FLOWS.filter((f) => (m.flows[f]?.waiting ?? 0) > 0);
      if (flows.length === 0 && (m.incomplete || m.nrcpt === null || m.recipients.size < m.nrcpt)) flows.push(m.entryFlow ?? this.waitingFlow);
      for (const flow of flows) tally.message(flow, ageMs);
      for (const r of m.recipients.values()) {
        if (r.waiting && r.domain) tally.recipient(r.flow, r.domain, ageMs, this.destinations[r.flow].lastError(r.domain));
      }
    }
    return tally.finish((flow) => this.destinations[flow].activeAt(at));
  }
}
