import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { getMonthlyUptime, MONTH_PATTERN } from '@/lib/components/monthly-uptime';
import { componentPageMessages } from '@/lib/i18n/component-page-messages';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import { resolveLang } from '@/lib/i18n/params';
import { pageMetadata } from '@/lib/site/metadata';

// Rendered on first request, then cached like the status page (regenerated on change).
export const revalidate = 30;

type Params = Promise<{ lang: string; month: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const { month } = await params;
  const m = MONTH_PATTERN.exec(month);
  if (!m) return {};
  const t = componentPageMessages(lang);
  return pageMetadata(lang, `/uptime/${month}`, t.uptimeHeading(t.monthLabel(Number(m[1]), Number(m[2]))), t.uptimeIntro);
}

export default async function UptimeReportPage({ params }: { params: Params }) {
  const lang: Lang = await resolveLang(params);
  const { month } = await params;
  const report = MONTH_PATTERN.test(month) ? await getMonthlyUptime(month) : null;
  if (!report) notFound();
  const t = componentPageMessages(lang);
  const common = messages(lang);
  const label = t.monthLabel(report.year, report.monthNumber);
  const percent = (p: number | null) => (p === null ? t.noDataComponent : `${p.toFixed(2)} %`);

  return (
    <>
      <SiteHeader lang={lang} path={`/uptime/${month}`} />
      <main id="main" className="page">
        <p className="breadcrumb">
          <Link href={localePath(lang, '/')}>← {common.backToStatus}</Link>
        </p>
        <h1>{t.uptimeHeading(label)}</h1>
        <p>{t.uptimeIntro}</p>
        <nav aria-label={t.uptimeReportLink} className="month-nav">
          <Link href={localePath(lang, `/uptime/${report.previous}`)} rel="prev">
            ← {t.previous}
          </Link>
          {report.next && (
            <>
              {' · '}
              <Link href={localePath(lang, `/uptime/${report.next}`)} rel="next">
                {t.next} →
              </Link>
            </>
          )}
        </nav>
        {!report.hasData ? (
          <p className="empty" data-testid="uptime-no-data">
            {t.noDataYet}
          </p>
        ) : (
          <>
            {/* On a phone the five columns scroll sideways in their own region, reachable by keyboard. */}
            <div className="table-scroll-x" role="region" aria-label={t.uptime} tabIndex={0}>
              <table className="uptime-report" data-testid="uptime-report">
                <thead>
                  <tr>
                    <th scope="col">{t.component}</th>
                    <th scope="col">{t.uptime}</th>
                    <th scope="col">{t.covered}</th>
                    <th scope="col">{t.minutesAffected}</th>
                    <th scope="col">{t.incidents}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.components.map((c) => (
                    <tr key={c.slug} data-component={c.slug} data-uptime={c.uptimePercent ?? ''}>
                      <th scope="row">{pick(lang, c.nameJa, c.nameEn)}</th>
                      <td>{percent(c.uptimePercent)}</td>
                      <td>{t.hours(c.coveredMinutes)}</td>
                      <td>{t.hours(c.minutesAffected)}</td>
                      <td>
                        {c.incidents.length === 0
                          ? t.noIncidents
                          : c.incidents.map((i, index) => (
                              <span key={i.slug}>
                                {index > 0 && ', '}
                                <Link href={localePath(lang, `/incidents/${i.slug}`)}>{pick(lang, i.titleJa, i.titleEn)}</Link>
                              </span>
                            ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p>
              <a href={localePath(lang, `/uptime/${month}.csv`)} download data-testid="uptime-csv-link">
                {t.csv}
              </a>
            </p>
          </>
        )}
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
