import { csvRecord, getMonthlyUptime, MONTH_PATTERN } from '@/lib/components/monthly-uptime';
import { publicCacheControl } from '@/lib/http/cache-control';
import { componentPageMessages } from '@/lib/i18n/component-page-messages';
import { isLang, pick } from '@/lib/i18n/locales';

// /uptime/{yyyy-mm}.csv (next.config.js rewrites it here): the monthly report as RFC 4180 CSV, UTF-8
// with a header row; the same figures as the page.
export const revalidate = 30;

export async function GET(_request: Request, { params }: { params: Promise<{ lang: string; month: string }> }) {
  const { lang, month } = await params;
  if (!isLang(lang) || !MONTH_PATTERN.test(month)) return new Response('not found\n', { status: 404 });
  const report = await getMonthlyUptime(month);
  if (!report) return new Response('not found\n', { status: 404 });
  const t = componentPageMessages(lang);
  const body =
    csvRecord([...t.csvHeader]) +
    report.components
      .map((c) =>
        csvRecord([
          pick(lang, c.nameJa, c.nameEn),
          c.slug,
          c.uptimePercent === null ? '' : c.uptimePercent.toFixed(2),
          c.coveredMinutes,
          c.minutesAffected,
          c.incidents.map((i) => pick(lang, i.titleJa, i.titleEn)).join('; '),
        ]),
      )
      .join('');
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="uptime-${month}-${lang}.csv"`,
      'Cache-Control': publicCacheControl(),
    },
  });
}
