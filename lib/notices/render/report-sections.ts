// Finds the parts of an incident report that the apology notice is built from, by their headings
// ("## 3. 原因", "## 3. Cause", …), as in the 2014 report. Sections are kept as markdown.

export const REPORT_SECTIONS = ['period', 'symptoms', 'cause', 'scope', 'actions', 'countermeasures', 'loss', 'contact'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

// Order matters: "今後の対策" must be tried before "対処"/"対策"-like words would catch it.
const MATCHERS: [ReportSection, RegExp][] = [
  ['countermeasures', /今後の対策|再発防止|countermeasure|prevent/i],
  ['period', /発生日時|日時|when it happened|period|timeline/i],
  ['symptoms', /事象|現象|症状|what happened|symptom|impact on/i],
  ['cause', /原因|cause/i],
  ['scope', /影響範囲|対象|scope|affected/i],
  ['actions', /対処|対応|what we did|actions?|remediation/i],
  ['loss', /損失|loss/i],
  ['contact', /問い合わせ|contact/i],
];

export interface ReportParts {
  /** Text before the first heading (the greeting and the apology itself). */
  preamble: string;
  sections: Partial<Record<ReportSection, { heading: string; body: string }>>;
}

export function splitReport(markdown: string): ReportParts {
  const parts: ReportParts = { preamble: '', sections: {} };
  let current: { key: ReportSection | null; heading: string; lines: string[] } = { key: null, heading: '', lines: [] };
  const flush = () => {
    const body = current.lines.join('\n').trim();
    if (current.key === null && !current.heading) parts.preamble = body;
    else if (current.key && !parts.sections[current.key]) parts.sections[current.key] = { heading: current.heading, body };
  };
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^##\s+(.+?)\s*#*$/.exec(line);
    if (heading) {
      flush();
      const text = heading[1]!.replace(/^\d+[.)]\s*/, '');
      current = { key: MATCHERS.find(([, re]) => re.test(text))?.[0] ?? null, heading: text, lines: [] };
      if (!current.key) current.heading = text || '-';
      continue;
    }
    current.lines.push(line);
  }
  flush();
  return parts;
}
