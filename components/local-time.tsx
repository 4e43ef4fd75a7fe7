import { env } from '@/lib/env';
import { formatDateTime, isoInZone, type Precision } from '@/lib/dates/format';
import type { Lang } from '@/lib/i18n/locales';

/** A moment in the site's time zone, machine-readable in datetime="…". */
export function LocalTime({ iso, lang, precision = 'minute' }: { iso: string; lang: Lang; precision?: Precision }) {
  const date = new Date(iso);
  return (
    <time dateTime={isoInZone(date, env.SITE_TIME_ZONE, precision)}>
      {formatDateTime(date, lang, env.SITE_TIME_ZONE, precision)}
    </time>
  );
}
