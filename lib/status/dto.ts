import type { SanitizedHtml } from '../html/sanitized';
import type { ComponentStatus, IncidentImpact, IncidentStatus } from './types';

// Plain objects handed to pages: serialisable (times as ISO strings), no Prisma models.

export interface ComponentDto {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  descriptionEn: string;
  status: ComponentStatus;
  /** No measurement has arrived for too long: the status cannot be confirmed. */
  noData: boolean;
  /** Latest measured mail delay of the component's rule, in seconds, if it measures one. */
  currentDelayS: number | null;
  /** The component's status follows a measured mail delay (it has delay charts). */
  measured: boolean;
  /** The mail flow whose delay it follows (inbound | outbound), when it does. */
  flow: 'inbound' | 'outbound' | null;
  /** Statuspage's only_show_if_degraded: the status list leaves it out while it is operational. */
  onlyShowIfDegraded?: boolean;
}

export interface ComponentGroupDto {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
  components: ComponentDto[];
}

export interface IncidentUpdateDto {
  id: string;
  status: IncidentStatus;
  bodyJa: string;
  bodyEn: string;
  displayAt: string;
  precision: 'minute' | 'day';
}

export interface AffectedComponentDto {
  slug: string;
  nameJa: string;
  nameEn: string;
  status: ComponentStatus;
}

export interface IncidentSummaryDto {
  id: string;
  slug: string;
  titleJa: string;
  titleEn: string;
  impact: IncidentImpact;
  status: IncidentStatus;
  startedAt: string;
  resolvedAt: string | null;
  components: AffectedComponentDto[];
  latestUpdate: IncidentUpdateDto | null;
}

export interface IncidentWindowDto {
  startAt: string;
  endAt: string | null;
  maxDelayMinutes: number | null;
}

export interface IncidentDetailDto extends IncidentSummaryDto {
  /** Where the incident stands now (lib/incidents/current-text.ts): never a superseded update's text. */
  summaryJa: string;
  summaryEn: string;
  maxDelayMinutes: number | null;
  /** The report's own last change (最終更新), never the time an authored report was imported. */
  updatedAt: string;
  /** Sanitised HTML of the report body, rendered by lib/content/markdown. */
  reportHtmlJa: SanitizedHtml;
  reportHtmlEn: SanitizedHtml;
  updates: IncidentUpdateDto[];
  windows: IncidentWindowDto[];
}
