import { formatInTimeZone } from 'date-fns-tz';
import Link from 'next/link';
import { env } from '@/lib/env';
import { componentPageMessages } from '@/lib/i18n/component-page-messages';
import { localePath, type Lang } from '@/lib/i18n/locales';

/** Links to the maintenance calendar (.ics) and to this month's uptime report. */
export function ReportLinks({ lang, componentSlug }: { lang: Lang; componentSlug?: string }) {
  const t = componentPageMessages(lang);
  const calendar = componentSlug ? `/components/${componentSlug}/maintenance.ics` : '/maintenance.ics';
  const month = formatInTimeZone(new Date(), env.SITE_TIME_ZONE, 'yyyy-MM');
  return (
    <p className="report-links">
      {/* A plain link: calendar apps and browsers take the .ics themselves. */}
      <a href={localePath(lang, calendar)} type="text/calendar" data-testid="maintenance-calendar-link">
        {t.calendarLink}
      </a>
      {' · '}
      <Link href={localePath(lang, `/uptime/${month}`)} data-testid="uptime-report-link">
        {t.uptimeReportLink} →
      </Link>
    </p>
  );
}
