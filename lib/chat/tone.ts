import type { NoticeKind } from '../status/notice-kinds';
import type { IncidentImpact } from '../status/types';

// One colour and one emoji per kind of news, the same on every platform. The colours are the
// status badge's (lib/api/badge.ts), so a channel reads like the page.

export type Tone = 'critical' | 'major' | 'minor' | 'resolved' | 'maintenance' | 'info';

export const TONES: Record<Tone, { colour: string; emoji: string; teams: 'attention' | 'warning' | 'good' | 'accent' | 'default' }> = {
  critical: { colour: '#b91c1c', emoji: '🔴', teams: 'attention' },
  major: { colour: '#c2410c', emoji: '🟠', teams: 'attention' },
  minor: { colour: '#9a6700', emoji: '🟡', teams: 'warning' },
  resolved: { colour: '#2e7d32', emoji: '🟢', teams: 'good' },
  maintenance: { colour: '#1d4ed8', emoji: '🔧', teams: 'accent' },
  info: { colour: '#6b7280', emoji: 'ℹ️', teams: 'default' },
};

export function toneFor(kind: NoticeKind, impact: IncidentImpact): Tone {
  if (kind.startsWith('maintenance_')) return 'maintenance';
  if (kind === 'incident_resolved') return 'resolved';
  if (kind === 'incident_report') return 'info';
  return impact === 'critical' ? 'critical' : impact === 'major' ? 'major' : impact === 'minor' ? 'minor' : 'info';
}

/** The colour as the integer Discord's embeds take. */
export const colourNumber = (hex: string) => Number.parseInt(hex.slice(1), 16);
