// What an incident's page says about where it stands now, and when its report last changed.
// Pure functions, shared by the public pages and the Statuspage-compatible API so they agree.

export interface Bilingual {
  ja: string;
  en: string;
}

interface UpdateText {
  bodyJa: string;
  bodyEn: string;
}

/**
 * The incident's summary (概要) as it stands now. The summary is the latest update's text,
 * written there with every update (console, automatic), unless staff have rewritten it since in
 * the console or the report's front matter gives one. Left empty, or still holding the text of an
 * update a later one has superseded (rows written before summaries followed the updates began
 * with their first update's 「…原因を調査しております。」 and kept it), it gives way to the
 * latest update's text. `updates` oldest first.
 */
export function currentSummary(summary: Bilingual, updates: readonly UpdateText[]): Bilingual {
  const latest = updates.at(-1);
  if (!latest) return summary;
  const earlier = updates.slice(0, -1);
  const choose = (text: string, latestBody: string, earlierBodies: string[]) =>
    !text.trim() || (text !== latestBody && earlierBodies.includes(text)) ? latestBody : text;
  return {
    ja: choose(summary.ja, latest.bodyJa, earlier.map((u) => u.bodyJa)),
    en: choose(summary.en, latest.bodyEn, earlier.map((u) => u.bodyEn)),
  };
}

/**
 * The report's own last change (最終更新). An authored report (content/incidents) carries it in
 * its front matter (`updated_at`, by default its latest timeline or resolution time), stored as
 * the incident's updatedAt when imported, so it is never the time of the import. A console or
 * automatic incident changes with its updates (a correction moves the update's updatedAt) and
 * its own edits: status, summary, report, maximum delay.
 */
export function lastChangedAt(incident: { source: string; updatedAt: Date }, updates: readonly { updatedAt: Date }[]): Date {
  if (incident.source === 'content') return incident.updatedAt;
  return new Date(Math.max(incident.updatedAt.getTime(), ...updates.map((u) => u.updatedAt.getTime())));
}
