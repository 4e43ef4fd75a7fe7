import 'server-only';
import { db } from '../db';
import { clientIp } from '../http/client-address';
import { domainRecentMail, domainSeriesToday, overallRecentMail, overallSeriesToday, type RecentMail } from '../metrics/domain-delay';
import type { DelaySeries } from '../metrics/queries';
import { inboundSignal } from '../metrics/signals';
import { lateMailSettings } from '../rules/evaluate';
import { takeSlot } from '../subscribers/rate-limit';
import { normaliseDomain, type DomainInputProblem } from './domain-name';

// The public "delay for my domain" lookup, for the page and the API alike. A customer names one
// domain exactly; the answer is that domain's own figures when a mail system listed it on its own
// lately, else the figures of all inbound mail. The second answer is the same whether the domain
// is unknown, not hosted here or too quiet to be listed, and costs the same queries, so neither
// its wording nor its timing tells which. No list of domains is ever given out.

/** Lookups per client address and window; every lookup counts, refused input included. */
export const LOOKUPS_PER_CLIENT = 20;
export const LOOKUP_WINDOW_S = 600;
/** Lookups per minute from everyone together: a flood from many addresses stops here. */
export const LOOKUPS_PER_MINUTE = 600;

export interface DomainDelayAnswer {
  /** The name as looked up (normalised). */
  domain: string;
  /** "domain": the domain's own figures; "all_inbound": all inbound mail's. */
  scope: 'domain' | 'all_inbound';
  /** p95 delay of the mail delivered in the last few minutes (null when none was). */
  p95S: number | null;
  deliveredCount: number;
  /** Messages (the domain's: recipients) waiting now, and the oldest one's age. */
  waiting: number;
  oldestWaitingS: number;
  /** The delay as the status rule measures it (lib/metrics/signals.ts), over the last few minutes. */
  delayS: number;
  /** The inbound rule's first threshold; null when no rule watches inbound mail. */
  thresholdS: number | null;
  late: boolean;
  /** The open incident of the inbound mail component, if any. */
  incident: { slug: string; titleJa: string; titleEn: string } | null;
  series: DelaySeries;
}

export type DomainLookup =
  | { status: 'answer'; answer: DomainDelayAnswer }
  | { status: 'invalid'; problem: DomainInputProblem }
  | { status: 'rate_limited'; retryAfterS: number };

/** Counts one lookup for this client (and everyone); false when over a limit. */
async function allowLookup(now: Date): Promise<boolean> {
  const ip = await clientIp();
  if (!(await takeSlot(`domain-lookup:${ip}`, LOOKUPS_PER_CLIENT, LOOKUP_WINDOW_S, now))) return false;
  return takeSlot('domain-lookup:*', LOOKUPS_PER_MINUTE, 60, now);
}

async function inboundRuleAndIncident() {
  const rule = await db.componentMetricRule.findFirst({ where: { metric: 'mail_delay', flow: 'inbound', enabled: true }, select: { componentId: true, degradedAboveS: true } });
  const incident = rule
    ? await db.incident.findFirst({
        where: { published: true, resolvedAt: null, components: { some: { componentId: rule.componentId } } },
        orderBy: { startedAt: 'desc' },
        select: { slug: true, titleJa: true, titleEn: true },
      })
    : null;
  return { thresholdS: rule?.degradedAboveS ?? null, incident };
}

export async function lookupDomainDelay(raw: string, now = new Date()): Promise<DomainLookup> {
  if (!(await allowLookup(now))) return { status: 'rate_limited', retryAfterS: LOOKUP_WINDOW_S };
  const name = normaliseDomain(raw);
  if (!name.ok) return { status: 'invalid', problem: name.problem };
  // The overall answer is computed every time, so a name without figures of its own (unknown, not
  // hosted, or in "other" now though listed earlier today) costs the same work, and time, as any
  // other such name. Only a domain that gets its own answer costs its own chart besides.
  const [own, all, allSeries, context] = await Promise.all([domainRecentMail(name.domain, now), overallRecentMail(now), overallSeriesToday(now), inboundRuleAndIncident()]);
  const [recent, series]: [RecentMail, DelaySeries] = own ? [own, await domainSeriesToday(name.domain, now)] : [all, allSeries];
  const delayS = inboundSignal(recent.window, lateMailSettings()).value;
  return {
    status: 'answer',
    answer: {
      domain: name.domain,
      scope: own ? 'domain' : 'all_inbound',
      p95S: recent.p95S,
      deliveredCount: recent.deliveredCount,
      waiting: recent.waiting,
      oldestWaitingS: recent.oldestWaitingS,
      delayS,
      thresholdS: context.thresholdS,
      late: context.thresholdS !== null && delayS > context.thresholdS,
      incident: context.incident,
      series,
    },
  };
}
