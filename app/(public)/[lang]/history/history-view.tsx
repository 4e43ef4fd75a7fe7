import Link from 'next/link';
import { notFound } from 'next/navigation';
import { IncidentCard } from '@/components/incident-card';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { formatMonth, monthKey } from '@/lib/dates/format';
import { env } from '@/lib/env';
import { localePath, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import { getIncidentHistory } from '@/lib/incidents/queries';
import type { IncidentSummaryDto } from '@/lib/status/dto';

export const HISTORY_PAGE_SIZE = 20;

export function historyPath(page: number): string {
  return page === 1 ? '/history' : `/history/${page}`;
}

/** Every incident, newest first, grouped by month (in the site's time zone), paginated. */
export async function HistoryView({ lang, page }: { lang: Lang; page: number }) {
  const t = messages(lang);
  const history = await getIncidentHistory(page, HISTORY_PAGE_SIZE);
  if (page > history.pages) notFound();

  const months = new Map<string, IncidentSummaryDto[]>();
  for (const incident of history.incidents) {
    const key = monthKey(new Date(incident.startedAt), env.SITE_TIME_ZONE);
    months.set(key, [...(months.get(key) ?? []), incident]);
  }

  return (
    <>
      <SiteHeader lang={lang} path={historyPath(page)} />
      <main id="main" className="page">
        <h1>{t.historyHeading}</h1>
        {history.incidents.length === 0 && <p className="empty">{t.historyEmpty}</p>}
        {[...months].map(([key, incidents]) => (
          <section key={key} aria-labelledby={`month-${key}`} className="history-month">
            <h2 id={`month-${key}`}>{formatMonth(new Date(incidents[0].startedAt), lang, env.SITE_TIME_ZONE)}</h2>
            {incidents.map((incident) => (
              <IncidentCard key={incident.id} incident={incident} lang={lang} showLatestUpdate={false} />
            ))}
          </section>
        ))}
        {history.pages > 1 && (
          <nav aria-label={t.page(page, history.pages)} className="pagination">
            {page > 1 && (
              <Link href={localePath(lang, historyPath(page - 1))} rel="prev">
                ← {t.previousPage}
              </Link>
            )}
            <span>{t.page(page, history.pages)}</span>
            {page < history.pages && (
              <Link href={localePath(lang, historyPath(page + 1))} rel="next">
                {t.nextPage} →
              </Link>
            )}
          </nav>
        )}
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
