// The kinds of notice (mail, webhook, chat) and how a Japanese hosting customer expects each to be
// headed; vocabulary every channel shares.

export const NOTICE_KINDS = [
  'incident_opened',
  'incident_update',
  'incident_resolved',
  'incident_report',
  'maintenance_announced',
  'maintenance_started',
  'maintenance_completed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** The subject prefix a Japanese hosting customer expects, and its English counterpart. */
export const SUBJECT_PREFIX: Record<NoticeKind, { ja: string; en: string }> = {
  incident_opened: { ja: '【障害発生】', en: '[Incident] ' },
  incident_update: { ja: '【続報】', en: '[Update] ' },
  incident_resolved: { ja: '【復旧】', en: '[Resolved] ' },
  incident_report: { ja: '【お詫び】', en: '[Apology] ' },
  maintenance_announced: { ja: '【メンテナンス】', en: '[Maintenance] ' },
  maintenance_started: { ja: '【メンテナンス】', en: '[Maintenance] ' },
  maintenance_completed: { ja: '【メンテナンス】', en: '[Maintenance] ' },
};

/** Which notice an incident update is: the first one opens, "resolved" recovers, "postmortem" reports. */
export function kindForUpdate(status: string, isFirst: boolean): NoticeKind {
  if (status === 'postmortem') return 'incident_report';
  if (status === 'resolved') return 'incident_resolved';
  return isFirst ? 'incident_opened' : 'incident_update';
}
