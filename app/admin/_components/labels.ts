import { messages } from '@/lib/i18n/messages';
import type { Lang } from '@/lib/i18n/locales';

/** Status and impact names for console forms, from the public site's own wording. */
export function statusLabels(lang: Lang) {
  const m = messages(lang);
  return { impacts: m.impact, statuses: m.incidentStatus, componentStatuses: m.componentStatus };
}
