import 'server-only';
import { db } from '../db';
import { total } from '#contracts/histogram';
import { flowWindows, lateMailSettings, ruleConfig } from './evaluate';
import { destinationSchema, type MailFlow } from '#contracts/rollup-schema';
import type { RuleConfig } from './engine';
import { flowSignal, type LateMailSettings } from '../metrics/signals';

// For staff: what a measured component's status rests on, so that a red (or a green) can be
// checked and acted on. Never shown on public pages: it names sources and destination domains.

const RECENT_MS = 10 * 60_000;

export interface SourceLine {
  source: string;
  lastWindow: string;
  delivered: number;
  deferred: number;
  queueDepth: number;
  oldestAgeS: number;
  scanBypassing: boolean;
}

export interface DestinationLine {
  domain: string;
  waiting: number;
  oldestAgeS: number;
  lastError: string | null;
  /** Which sources report it. */
  sources: string[];
}

export interface WindowLine {
  start: string;
  value: number;
  delivered: number;
  waiting: number;
  /** Outbound: destinations with mail lately (null when the sources do not report them). */
  destinations: number | null;
}

export interface RuleExplanation {
  componentSlug: string;
  nameJa: string;
  nameEn: string;
  metric: string;
  flow: string;
  ruleStatus: string;
  shownStatus: string;
  overrideStatus: string | null;
  noData: boolean;
  thresholds: RuleConfig;
  settings: LateMailSettings;
  lastDataAt: string | null;
  /** The last minute's windows as the rule judged them, newest first. */
  windows: WindowLine[];
  sources: SourceLine[];
  destinations: DestinationLine[];
}

const parseDestinations = (text: string | null) => {
  if (!text) return [];
  const parsed = destinationSchema.array().safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : [];
};

/** Every enabled rule with the evidence behind its status: windows, sources and waiting destinations. */
export async function explainRules(now = new Date()): Promise<RuleExplanation[]> {
  // Mail rules only: a component's alerts and probes (`signals`) have their own pages, /admin/alerts and /admin/probes.
  const rules = await db.componentMetricRule.findMany({ where: { enabled: true, metric: { in: ['mail_delay', 'scan_bypass'] } }, include: { component: true }, orderBy: { component: { position: 'asc' } } });
  const settings = lateMailSettings();
  const since = new Date(now.getTime() - RECENT_MS);
  const out: RuleExplanation[] = [];
  for (const rule of rules) {
    const flow = (rule.metric === 'mail_delay' ? rule.flow : 'inbound') as MailFlow;
    const rows = await db.mailMetricRollup.findMany({
      where: { flow, windowStart: { gte: since } },
      orderBy: { windowStart: 'desc' },
      select: { source: true, windowStart: true, delivered: true, deferred: true, queueDepth: true, oldestAgeS: true, scanBypassing: true, topDestinations: true },
    });
    const sources = new Map<string, SourceLine>();
    const destinations = new Map<string, DestinationLine>();
    for (const r of rows) {
      const line = sources.get(r.source);
      if (!line) {
        // Newest first: the first row of a source is its latest window, whose queue is current.
        sources.set(r.source, { source: r.source, lastWindow: r.windowStart.toISOString(), delivered: r.delivered, deferred: r.deferred, queueDepth: r.queueDepth, oldestAgeS: r.oldestAgeS, scanBypassing: r.scanBypassing });
        for (const d of parseDestinations(r.topDestinations)) {
          const known = destinations.get(d.domain);
          if (known) {
            known.waiting += d.waiting;
            known.oldestAgeS = Math.max(known.oldestAgeS, d.oldest_age_s);
            known.sources.push(r.source);
          } else {
            destinations.set(d.domain, { domain: d.domain, waiting: d.waiting, oldestAgeS: d.oldest_age_s, lastError: d.last_error, sources: [r.source] });
          }
        }
      } else {
        line.delivered += r.delivered;
        line.deferred += r.deferred;
      }
    }
    const windows = rule.metric === 'mail_delay' ? await flowWindows(flow, new Date(now.getTime() - 90_000), now) : [];
    out.push({
      componentSlug: rule.component.slug,
      nameJa: rule.component.nameJa,
      nameEn: rule.component.nameEn,
      metric: rule.metric,
      flow,
      ruleStatus: rule.ruleStatus,
      shownStatus: rule.component.status,
      overrideStatus: rule.component.overrideStatus,
      noData: rule.component.noData,
      thresholds: ruleConfig(rule),
      settings,
      lastDataAt: rule.lastDataAt?.toISOString() ?? null,
      windows: windows
        .slice(-6)
        .reverse()
        .map((w) => ({
          start: w.start.toISOString(),
          value: flowSignal(w, settings).value,
          delivered: total(w.delivered),
          waiting: total(w.waiting),
          destinations: w.destinations ? total(w.destinations) : null,
        })),
      sources: [...sources.values()],
      destinations: [...destinations.values()].sort((a, b) => b.oldestAgeS - a.oldestAgeS).slice(0, 20),
    });
  }
  return out;
}
