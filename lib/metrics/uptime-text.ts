import type { Lang } from '../i18n/locales';
import { messages } from '../i18n/messages';
import type { UptimeComponent } from './uptime';

type Figure = Pick<UptimeComponent, 'uptimePercent' | 'coverage' | 'coveredMinutes'>;

/**
 * The uptime figure with what it covers, e.g. 「稼働率 98.62 %（直近43分）」 or
 * "98.62 % uptime over the last 43 minutes": the one wording the bars' legend, their hover text
 * and the API's extension field all use, so they cannot disagree.
 */
export function uptimeFigureText(lang: Lang, u: Figure): string {
  const t = messages(lang);
  if (u.uptimePercent === null || u.coverage === 'none') return t.uptimeUnknown;
  return t.uptimeFigure(u.uptimePercent, u.coverage, u.coveredMinutes);
}

/** What the figure is computed over and how it weighs outages, for the hover/focus text. */
export function uptimeFigureNote(lang: Lang, u: Figure & Pick<UptimeComponent, 'periodDays'>): string {
  const t = messages(lang);
  if (u.uptimePercent === null || u.coverage === 'none') return t.uptimeWeighting;
  return `${t.uptimeCovers(u.coverage, u.coveredMinutes, u.periodDays)} ${t.uptimeWeighting}`;
}
