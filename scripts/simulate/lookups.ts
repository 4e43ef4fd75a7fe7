// What a customer can find out during the flood, asked as they would ask it: the delay for their
// domain (GET /api/mail/domain-delay) and where one of their messages is (POST /api/mail/trace,
// with its Message-ID and recipient). Afterwards the answers are checked against what the replay
// itself saw of that message: still waiting when it was traced, then delivered when its file appeared.
import type { TraceStage } from '#contracts/mta-admin-api';
import { messageIdOf, type SentMessage } from './traffic';

/** The domain lookup's answer, as far as the replay reads it (docs/api.md, "Mail delay per domain"). */
export interface DomainLookupRecord {
  /** When it was asked (ms). */
  askedAt: number;
  /** 200 with an answer, or the status that refused it. */
  httpStatus: number;
  scope: 'domain' | 'all_inbound' | null;
  p95S: number | null;
  waiting: number | null;
  oldestWaitingS: number | null;
  delayS: number | null;
  thresholdS: number | null;
  late: boolean | null;
  /** The answer named the inbound mail incident. */
  incident: boolean;
}

export interface TraceRecord {
  messageId: string;
  recipient: string;
  askedAt: number;
  httpStatus: number;
  found: boolean;
  stage: TraceStage | null;
  deliveredAt: number | null;
  delayS: number | null;
}

export async function lookUpDomain(siteUrl: string, domain: string): Promise<DomainLookupRecord> {
  const askedAt = Date.now();
  const res = await fetch(`${siteUrl}/api/mail/domain-delay?domain=${encodeURIComponent(domain)}`, { signal: AbortSignal.timeout(30_000) });
  const body = (res.ok ? await res.json() : {}) as {
    scope?: 'domain' | 'all_inbound';
    delay_p95_s?: number | null;
    waiting?: number;
    oldest_waiting_s?: number;
    delay_s?: number;
    threshold_s?: number | null;
    late?: boolean;
    incident?: object | null;
  };
  return {
    askedAt,
    httpStatus: res.status,
    scope: body.scope ?? null,
    p95S: body.delay_p95_s ?? null,
    waiting: body.waiting ?? null,
    oldestWaitingS: body.oldest_waiting_s ?? null,
    delayS: body.delay_s ?? null,
    thresholdS: body.threshold_s ?? null,
    late: body.late ?? null,
    incident: Boolean(body.incident),
  };
}

export async function traceMessage(siteUrl: string, m: Pick<SentMessage, 'id' | 'rcpt'>): Promise<TraceRecord> {
  const askedAt = Date.now();
  const messageId = messageIdOf(m);
  const res = await fetch(`${siteUrl}/api/mail/trace`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ message_id: messageId, recipient: m.rcpt }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (res.ok ? await res.json() : {}) as { found?: boolean; stage?: TraceStage; delivered_at?: string | null; delay_s?: number | null };
  return {
    messageId,
    recipient: m.rcpt,
    askedAt,
    httpStatus: res.status,
    found: body.found === true,
    stage: body.stage ?? null,
    deliveredAt: body.delivered_at ? Date.parse(body.delivered_at) : null,
    delayS: body.delay_s ?? null,
  };
}

/**
 * The legitimate message a customer would ask about: accepted a little earlier (at least a second
 * before `now`, so the MTA owns it) and not in its mailbox yet; the latest such one, the likeliest
 * to be still waiting when the answer comes. Null when none waits.
 */
export function pickWaitingMessage(legit: SentMessage[], isDelivered: (m: SentMessage) => boolean, now: number): SentMessage | null {
  const waiting = legit.filter((m) => m.acceptedAt !== undefined && m.acceptedAt <= now - 1000 && !isDelivered(m));
  return waiting.reduce<SentMessage | null>((latest, m) => (!latest || m.acceptedAt! > latest.acceptedAt! ? m : latest), null);
}

export interface CustomerLookups {
  /** Seconds since the flood began. */
  at: number;
  /** Why then: the incident had just been shown on the status page, or (none shown) the flood ended. */
  moment: 'incident_shown' | 'flood_end';
  domain: DomainLookupRecord | null;
  /** The waiting message traced then, and what the replay knows of it. */
  waiting: (TraceRecord & { acceptedAt: number; fileAt: number | null; waitingThen: boolean }) | null;
  /** The same message traced again once its file was there. */
  delivered: (TraceRecord & { replayDelayS: number; deliveredOffS: number | null }) | null;
  errors: string[];
}

/** The lookups at one moment of the flood: the domain, then one waiting message. */
export async function lookUpAtPeak(siteUrl: string, domain: string, moment: CustomerLookups['moment'], floodStart: number, pick: () => SentMessage | null): Promise<{ lookups: CustomerLookups; message: SentMessage | null }> {
  const at = (Date.now() - floodStart) / 1000;
  const errors: string[] = [];
  const domainAnswer = await lookUpDomain(siteUrl, domain).catch((e: Error) => (errors.push(`domain lookup: ${e.message}`), null));
  const message = pick();
  const trace = message ? await traceMessage(siteUrl, message).catch((e: Error) => (errors.push(`trace: ${e.message}`), null)) : null;
  if (!message) errors.push('no accepted legitimate message was waiting');
  return {
    lookups: { at, moment, domain: domainAnswer, waiting: trace && message ? { ...trace, acceptedAt: message.acceptedAt!, fileAt: null, waitingThen: false } : null, delivered: null, errors },
    message,
  };
}

/**
 * After the run: whether the traced message was still waiting when asked about (its file appeared
 * only after the question), and the same message traced again, now delivered, beside the replay's
 * own delay for it (from the 250 to its file).
 */
export async function checkTraces(siteUrl: string, lookups: CustomerLookups, message: SentMessage | null, fileAt: (m: SentMessage) => number | null): Promise<CustomerLookups> {
  if (!message || !lookups.waiting) return lookups;
  const file = fileAt(message);
  const waiting = { ...lookups.waiting, fileAt: file, waitingThen: file === null || file > lookups.waiting.askedAt };
  if (file === null) return { ...lookups, waiting };
  const again = await traceMessage(siteUrl, message).catch((e: Error) => (lookups.errors.push(`second trace: ${e.message}`), null));
  const delivered = again ? { ...again, replayDelayS: (file - message.acceptedAt!) / 1000, deliveredOffS: again.deliveredAt === null ? null : (again.deliveredAt - file) / 1000 } : null;
  return { ...lookups, waiting, delivered };
}
