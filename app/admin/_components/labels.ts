import { adminText } from '@/lib/i18n/admin';
import { messages } from '@/lib/i18n/messages';
import type { Lang } from '@/lib/i18n/locales';

/** Status and impact names for console forms, from the public site's own wording. */
export function statusLabels(lang: Lang) {
  const m = messages(lang);
  return { impacts: m.impact, statuses: m.incidentStatus, componentStatuses: m.componentStatus };
}

/** Wording of the notify choice, built on the server (client components get plain data). */
export function notifyText(lang: Lang) {
  const t = adminText(lang);
  return {
    notify: t.notify,
    showNotice: t.showNotice,
    recipients: lang === 'ja' ? '宛先: {total}件（日本語 {ja}件・英語 {en}件）' : 'Recipients: {total} ({ja} in Japanese, {en} in English)',
  };
}
