import 'server-only';
import { pick, type Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import type { ComponentStatus, IncidentImpact } from '../status/types';
import { renderBadge, type BadgeTone } from './badge';
import type { StatuspageSnapshot } from './statuspage-data';
import { overallFromSnapshot, siteInfo } from './statuspage';

const COMPONENT_TONE: Record<ComponentStatus, BadgeTone> = {
  operational: 'ok',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
  under_maintenance: 'maintenance',
};
const INDICATOR_TONE: Record<IncidentImpact | 'maintenance', BadgeTone> = {
  none: 'ok',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
  maintenance: 'maintenance',
};

/** The badge of the whole page (the banner's words) or of one component; null for an unknown slug. */
export function statusBadge(snapshot: StatuspageSnapshot, lang: Lang, componentSlug: string | null): string | null {
  const t = messages(lang);
  if (componentSlug === null) {
    const overall = overallFromSnapshot(snapshot);
    const site = siteInfo();
    return renderBadge(pick(lang, site.nameJa, site.nameEn), t.overall[overall.description], INDICATOR_TONE[overall.indicator]);
  }
  const component = snapshot.components.find((c) => c.slug === componentSlug);
  if (!component) return null;
  const name = pick(lang, component.nameJa, component.nameEn);
  // As on the page: a status that cannot be confirmed is never shown as "operational".
  if (component.noData) return renderBadge(name, t.noData, 'nodata');
  const status = component.status as ComponentStatus;
  return renderBadge(name, t.componentStatus[status] ?? status, COMPONENT_TONE[status] ?? 'nodata');
}
