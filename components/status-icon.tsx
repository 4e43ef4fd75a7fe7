import type { ComponentStatus } from '@/lib/status/types';
import type { Indicator } from '@/lib/status/indicator';

type Tone = 'ok' | 'minor' | 'major' | 'critical' | 'maintenance';

export const COMPONENT_TONE: Record<ComponentStatus, Tone> = {
  operational: 'ok',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maintenance',
};

export const INDICATOR_TONE: Record<Indicator, Tone> = {
  none: 'ok',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
  maintenance: 'maintenance',
};

// Each tone has its own shape, so status is never told by colour alone.
const PATHS: Record<Tone, string> = {
  ok: 'M4 8.5l2.5 2.5L12 5.5',
  minor: 'M8 4v5M8 11.5v.5',
  major: 'M5 5l6 6M11 5l-6 6',
  critical: 'M5 5l6 6M11 5l-6 6',
  maintenance: 'M5 8h6',
};

export function StatusIcon({ tone }: { tone: Tone }) {
  return (
    <svg className={`status-icon tone-${tone}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      {tone === 'critical' ? <rect x="1" y="1" width="14" height="14" rx="2" /> : <circle cx="8" cy="8" r="7.5" />}
      <path d={PATHS[tone]} />
    </svg>
  );
}
