import { AUTO_BLOCK_ACTOR } from '#contracts/mta-admin-api';
import type { AccountingEvidence, DayWindow, DefenceEvidence, StageEvidence } from '../incidents/report-draft';
import { bucketStart } from '../metrics/resolutions';
import { flowSignal, type FlowWindow, type LateMailSettings } from '../metrics/signals';

// The figures of a final report's draft, computed from recorded rows: pure functions, so that the
// arithmetic (days, accounting, defences) is tested without a database. lib/rules/report-evidence.ts
// reads the rows and calls these.

export const WINDOW_MS = 10_000;

export interface RollupRow {
  source: string;
  windowStart: Date;
  windowSeconds: number;
  accepted: number;
  delivered: number;
  bounced: number;
  queueDepth: number;
  oldestAgeS: number;
  histogram: string;
  delayMax: number | null;
  waitingHistogram: string | null;
  /** JSON { receive, queue, scan, deliver } of the window's stage p95s; null from senders without stages. */
  stageP95?: string | null;
}

/** An entry of the MTA's event log, as GET /api/events gives it. */
export interface LoggedEvent {
  at: string;
  kind: string;
  actor: string;
  reason: string | null;
  detail: Record<string, unknown>;
}

/** The next midnight of the site's calendar (days are 23 to 25 hours long where clocks change). */
export function nextMidnight(t: Date, timeZone: string): Date {
  return bucketStart(new Date(bucketStart(t, '1d', timeZone).getTime() + 36 * 3_600_000), '1d', timeZone);
}

/** An incident's windows split at the site's midnights, each part with the largest delay the rule measured in it. */
export function dayWindows(windows: { startAt: Date; endAt: Date | null; maxDelayS: number | null }[], measured: FlowWindow[], leadMs: number, end: Date, timeZone: string, settings: LateMailSettings): DayWindow[] {
  const peaks = measured.map((w) => ({ t: w.start.getTime(), peak: flowSignal(w, settings).peak }));
  const parts: DayWindow[] = [];
  for (const w of windows) {
    const until = w.endAt ?? end;
    const pieces: { startAt: Date; endAt: Date }[] = [];
    for (let from = w.startAt; from < until; ) {
      const to = new Date(Math.min(until.getTime(), nextMidnight(from, timeZone).getTime()));
      pieces.push({ startAt: from, endAt: to });
      from = to;
    }
    if (!pieces.length) pieces.push({ startAt: w.startAt, endAt: until });
    pieces.forEach((p, i) => {
      // The windows that opened the incident were slow before its start: the first part counts them.
      const lo = p.startAt.getTime() - (i === 0 ? leadMs : 0);
      const inPart = peaks.filter((x) => x.t >= lo && x.t < p.endAt.getTime());
      const peak = inPart.length ? Math.max(...inPart.map((x) => x.peak)) : null;
      // A whole window never says less than the incident said while it was open (its stored maximum).
      const stored = pieces.length === 1 ? w.maxDelayS : null;
      const maxDelayS = peak === null ? stored : stored === null ? peak : Math.max(peak, stored);
      parts.push({ startAt: p.startAt, endAt: i === pieces.length - 1 ? w.endAt : p.endAt, maxDelayS });
    });
  }
  return parts;
}

/** accepted vs delivered vs returned vs still waiting, from every source's rollups over [from, to). */
export function accounting(rows: RollupRow[], from: number, to: number): AccountingEvidence | null {
  const inPeriod = rows.filter((r) => r.windowStart.getTime() >= from && r.windowStart.getTime() < to);
  const sources = [...new Set(inPeriod.map((r) => r.source))];
  if (!sources.length || to <= from) return null;
  const depthAt = (t: number) => {
    const at = rows.filter((r) => r.windowStart.getTime() === t);
    // Every source must have reported that window, else the queue then is not known.
    return sources.every((s) => at.some((r) => r.source === s)) ? at.reduce((sum, r) => sum + r.queueDepth, 0) : null;
  };
  const windows = (to - from) / WINDOW_MS;
  const seen = new Set(inPeriod.map((r) => `${r.source}\0${r.windowStart.getTime()}`));
  return {
    from: new Date(from),
    to: new Date(to),
    accepted: inPeriod.reduce((s, r) => s + r.accepted, 0),
    delivered: inPeriod.reduce((s, r) => s + r.delivered, 0),
    bounced: inPeriod.reduce((s, r) => s + r.bounced, 0),
    queuedBefore: depthAt(from - WINDOW_MS),
    queuedAfter: depthAt(to - WINDOW_MS),
    missingWindows: sources.length * windows - seen.size,
    expectedWindows: sources.length * windows,
  };
}

export const DEFENCE_KINDS = new Set(['scan_policy', 'blocklist', 'flush']);

export function fromMtaEvent(e: LoggedEvent): DefenceEvidence | null {
  if (!DEFENCE_KINDS.has(e.kind)) return null;
  const d = e.detail as { from?: string; to?: string; bypassing?: boolean; action?: string; kind?: string };
  const automatic = e.actor === AUTO_BLOCK_ACTOR || e.actor === 'expiry';
  const base = { at: new Date(e.at), actor: e.actor, automatic, count: 1, reason: e.reason };
  if (e.kind === 'scan_policy') {
    // The breaker (policy auto) says whether it skips or resumes; staff set a policy.
    const breaker = automatic && d.from === 'auto' && d.to === 'auto';
    return { ...base, kind: 'scan_policy', action: breaker ? (d.bypassing ? 'skip' : 'resume') : String(d.to ?? 'unknown') };
  }
  if (e.kind === 'blocklist') return { ...base, kind: 'blocklist', action: String(d.action ?? 'add'), target: d.kind };
  return { ...base, kind: 'flush', action: 'flush' };
}

/** Changes of the same kind in the same minute are one line ("12 client addresses blocked"). */
export function mergeBursts(defences: DefenceEvidence[]): DefenceEvidence[] {
  const out: DefenceEvidence[] = [];
  for (const d of defences.sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const last = out.at(-1);
    const same = last && last.kind === d.kind && last.action === d.action && last.target === d.target && last.actor === d.actor && Math.floor(last.at.getTime() / 60_000) === Math.floor(d.at.getTime() / 60_000);
    if (same) {
      last.count += d.count;
      if (last.reason !== d.reason) last.reason = null;
    } else out.push({ ...d });
  }
  return out;
}

const STAGES = ['queue', 'scan', 'deliver'] as const;

/**
 * Where the time went: for each stage, the largest 95th percentile any source reported for a
 * 10-second window in [from, to). Percentiles of different windows do not add up, so the worst
 * window stands for the stage; the slowest stage is where the delay came from. Null when no window
 * in the period carried stage times.
 */
export function stageMaxima(rows: RollupRow[], from: number, to: number): StageEvidence | null {
  const out: StageEvidence = { queue: null, scan: null, deliver: null };
  let seen = false;
  for (const r of rows) {
    const t = r.windowStart.getTime();
    if (t < from || t >= to || !r.stageP95) continue;
    let stages: Record<string, unknown>;
    try {
      stages = JSON.parse(r.stageP95) as Record<string, unknown>;
    } catch {
      continue; // a row the site did not write: no figure rather than a wrong one
    }
    for (const stage of STAGES) {
      const v = stages[stage];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
      out[stage] = Math.max(out[stage] ?? 0, v);
      seen = true;
    }
  }
  return seen ? out : null;
}
