// The final report the site drafted when the replay's automatic incident resolved, read back from
// the site's database (the report and the evidence it was drafted from, which the site keeps in
// its audit log), beside what the replay itself measured: every figure can be checked.
import Database from 'better-sqlite3';
import { waitFor } from './stack';

/** The evidence as the audit log keeps it (lib/incidents/report-draft.ts ReportEvidence, dates as ISO 8601). */
export interface DraftEvidence {
  startedAt: string;
  resolvedAt: string | null;
  thresholdS: number | null;
  windows: { startAt: string; endAt: string | null; maxDelayS: number | null }[];
  lateMessages: number | null;
  /** Per stage, the largest 10-second window's p95 (seconds). */
  stages: { queue: number | null; scan: number | null; deliver: number | null } | null;
  defences: { at: string; kind: string; actor: string; action: string; count: number }[];
  defenceGaps: string[];
  accounting: { from: string; to: string; accepted: number; delivered: number; bounced: number; queuedBefore: number | null; queuedAfter: number | null; missingWindows: number; expectedWindows: number } | null;
}

export interface DraftedReport {
  slug: string;
  reportJa: string;
  reportEn: string;
  /** The draft is never published by itself. */
  published: boolean;
  evidence: DraftEvidence;
}

/** A message the replay offered, as the replay saw it (ms since the epoch). */
export interface Probe {
  kind: string;
  rcpt: string;
  /** When the replay opened the SMTP session, and when it read the 250 after the message text. */
  sentAt: number;
  acceptedAt: number;
  deliveredAt: number | null;
}

/** An entry of the MTA's event log (GET /api/events). */
export interface MtaLogEvent {
  at: string;
  kind: string;
  actor: string;
}

function readDraft(file: string): DraftedReport | null {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const incident = db.prepare("SELECT id, slug, reportJa, reportEn, postmortemPublishedAt FROM Incident WHERE source = 'auto' AND status = 'resolved' AND reportJa != '' ORDER BY startedAt LIMIT 1").get() as
      | { id: string; slug: string; reportJa: string; reportEn: string; postmortemPublishedAt: unknown }
      | undefined;
    if (!incident) return null;
    const entry = db.prepare("SELECT details FROM AuditLog WHERE action = 'incident.report_drafted' AND targetId = ? ORDER BY at DESC LIMIT 1").get(incident.id) as { details: string } | undefined;
    if (!entry) return null;
    return { slug: incident.slug, reportJa: incident.reportJa, reportEn: incident.reportEn, published: incident.postmortemPublishedAt !== null, evidence: (JSON.parse(entry.details) as { evidence: DraftEvidence }).evidence };
  } finally {
    db.close();
  }
}

/** The drafted report of the run's resolved automatic incident (null when none came within the time). */
export async function waitForDraftedReport(databaseFile: string, timeoutMs = 30_000): Promise<DraftedReport | null> {
  let found: DraftedReport | null = null;
  await waitFor('the drafted report', () => (found = readDraft(databaseFile)) !== null, timeoutMs, 500).catch(() => undefined);
  return found;
}

const DEFENCE_KINDS = new Set(['scan_policy', 'blocklist', 'flush']);
/** How long after a message's file is written the MTA may record its delivery, on a loaded machine. */
const RECORD_LAG_S = 5;

/** What the replay measured over the draft's own periods, for each figure the draft gives. */
export function replayFigures(draft: DraftedReport, probes: Probe[], events: MtaLogEvent[], lead: { windowsS: number }) {
  const e = draft.evidence;
  const window = e.windows[0]!;
  const start = Date.parse(window.startAt);
  const end = Date.parse(e.windows.at(-1)!.endAt ?? e.accounting!.to);
  const floor10 = (t: number) => Math.floor(t / 10_000) * 10_000;
  const ceil10 = (t: number) => Math.ceil(t / 10_000) * 10_000;
  // The rule counts mail delivered in the 10-second windows from its lead-in to the window's end.
  const lo = floor10(start - lead.windowsS * 1000);
  const hi = ceil10(end);
  const delivered = probes.filter((p) => p.deliveredAt !== null);
  const delayOf = (p: Probe) => (p.deliveredAt! - p.acceptedAt) / 1000;
  // The MTA's clock starts at the envelope (MAIL FROM), between the session's start and the 250:
  // under the flood a session can take seconds. It stops when the MTA records the delivery, after
  // the file is written (its mtime, the replay's clock), synced and renamed into the mailbox: on two
  // loaded cores seconds later (RECORD_LAG_S; the replays measured 0.7 to more than 2 s).
  const delayFromSession = (p: Probe) => (p.deliveredAt! - p.sentAt) / 1000 + RECORD_LAG_S;
  const inIncident = delivered.filter((p) => p.deliveredAt! >= lo && p.deliveredAt! < hi);
  const delays = inIncident.map(delayOf).sort((a, b) => b - a);
  const a = e.accounting;
  const from = a ? Date.parse(a.from) : 0;
  const to = a ? Date.parse(a.to) : 0;
  return {
    maxDelayS: delays[0] ?? null,
    /** The draft's maximum is the delay at least 5 messages reached (the status rule's figure), at most the maximum. */
    fifthDelayS: delays[4] ?? null,
    /**
     * Late by the time from the 250 to the file, of files recorded within the windows for sure
     * (fewest); and from the session's start to the MTA's record, of files it may have recorded
     * within them (most).
     */
    lateMessages: e.thresholdS === null ? null : delivered.filter((p) => p.deliveredAt! >= lo && p.deliveredAt! < hi - RECORD_LAG_S * 1000 && delayOf(p) > e.thresholdS!).length,
    lateFromSession: e.thresholdS === null ? null : delivered.filter((p) => p.deliveredAt! >= lo - RECORD_LAG_S * 1000 && p.deliveredAt! < hi && delayFromSession(p) > e.thresholdS!).length,
    /**
     * The MTA counts a message accepted between the session's start and the 250 the replay reads
     * (seconds apart under the flood): certainly in the period when both are, possibly when they straddle it.
     */
    acceptedSurely: probes.filter((p) => p.sentAt >= from && p.acceptedAt < to).length,
    acceptedPossibly: probes.filter((p) => p.sentAt < to && p.acceptedAt >= from).length,
    deliveredInPeriod: delivered.filter((p) => p.deliveredAt! >= from && p.deliveredAt! < to).length,
    /** Mail to real mailboxes accepted before the period's end and delivered after it. */
    waitingAtEnd: probes.filter((p) => p.rcpt.startsWith('sim') && p.acceptedAt < to && (p.deliveredAt === null || p.deliveredAt >= to)).length,
    /** Changes in the MTA's log from the incident's lead-in to its resolution. */
    defences: events.filter((ev) => DEFENCE_KINDS.has(ev.kind) && Date.parse(ev.at) >= lo && Date.parse(ev.at) <= Date.parse(e.resolvedAt ?? new Date().toISOString())).length,
  };
}

/** One line with each figure of the draft beside the replay's own, for the run's log. */
export function draftCheckLine(draft: DraftedReport, figures: ReturnType<typeof replayFigures>): string {
  const e = draft.evidence;
  const a = e.accounting;
  const max = Math.max(...e.windows.map((w) => w.maxDelayS ?? 0));
  return [
    `report draft ${draft.slug}:`,
    `max_delay_s=${max} (replay: max ${figures.maxDelayS?.toFixed(1)}, 5th ${figures.fifthDelayS?.toFixed(1)})`,
    `late=${e.lateMessages} (replay ${figures.lateMessages}–${figures.lateFromSession})`,
    e.stages ? `stage_p95_max_s=queue:${e.stages.queue} scan:${e.stages.scan} deliver:${e.stages.deliver}` : 'stages=none',
    a ? `accepted=${a.accepted} (replay ${figures.acceptedSurely}–${figures.acceptedPossibly}) delivered=${a.delivered} (replay, real mailboxes ${figures.deliveredInPeriod}) bounced=${a.bounced} queued=${a.queuedBefore}→${a.queuedAfter} (replay ${figures.waitingAtEnd}+) missing_windows=${a.missingWindows}/${a.expectedWindows}` : 'accounting=none',
    `defences=${e.defences.reduce((s, d) => s + d.count, 0)} (MTA log ${figures.defences})`,
  ].join(' ');
}
