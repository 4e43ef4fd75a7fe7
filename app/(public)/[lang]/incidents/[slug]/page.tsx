import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ArrivalEstimateNote } from '@/components/arrival-estimate';
import { DelayChart, QueueChart } from '@/components/charts/delay-chart';
import { LocalTime } from '@/components/local-time';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { COMPONENT_TONE, StatusIcon } from '@/components/status-icon';
import { SanitizedHtml } from '@/components/sanitized-html';
import { Timeline } from '@/components/timeline';
import { UpdateBody } from '@/components/update-body';
import { localePath, LANGS, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import { resolveLang } from '@/lib/i18n/params';
import { getIncident, getIncidentSlugs } from '@/lib/incidents/queries';
import { getComponentGroups } from '@/lib/components/queries';
import { getArrivalEstimate } from '@/lib/metrics/arrival-queries';
import { getIncidentSeries } from '@/lib/metrics/queries';
import { pageMetadata } from '@/lib/site/metadata';
import { isUnresolved } from '@/lib/status/types';

export const revalidate = 30;

type Params = Promise<{ lang: string; slug: string }>;

export async function generateStaticParams() {
  const slugs = await getIncidentSlugs();
  return LANGS.flatMap((lang) => slugs.map((slug) => ({ lang, slug })));
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const { slug } = await params;
  const incident = await getIncident(slug);
  if (!incident) return {};
  return pageMetadata(lang, `/incidents/${slug}`, pick(lang, incident.titleJa, incident.titleEn), pick(lang, incident.summaryJa, incident.summaryEn));
}

export default async function IncidentPage({ params }: { params: Params }) {
  const lang: Lang = await resolveLang(params);
  const { slug } = await params;
  const incident = await getIncident(slug);
  if (!incident) notFound();
  const t = messages(lang);
  // The delay of the mail flow the incident concerns: outbound for an incident about メール送信
  // alone, inbound otherwise (the 2014 kind, and incidents of components without measurements).
  const flows = new Map((await getComponentGroups()).flatMap((g) => g.components.map((c) => [c.slug, c.flow] as const)));
  const affectedFlows = incident.components.map((c) => flows.get(c.slug)).filter(Boolean);
  const flow = affectedFlows.includes('outbound') && !affectedFlows.includes('inbound') ? 'outbound' : 'inbound';
  const chart = await getIncidentSeries(incident.startedAt, incident.windows.at(-1)?.endAt ?? incident.resolvedAt, flow);
  // While this incident is open and concerns inbound mail: when mail sent now should arrive.
  const arrivalEstimate = isUnresolved(incident.status) && affectedFlows.includes('inbound') ? await getArrivalEstimate() : null;
  const reportHtml = pick(lang, incident.reportHtmlJa, incident.reportHtmlEn);
  const showingFallback = lang === 'en' && !incident.reportHtmlEn && incident.reportHtmlJa;

  return (
    <>
      <SiteHeader lang={lang} path={`/incidents/${slug}`} />
      <main id="main" className="page incident-page">
        <p className="breadcrumb">
          <Link href={localePath(lang, '/')}>← {t.backToStatus}</Link>
        </p>
        <h1>{pick(lang, incident.titleJa, incident.titleEn)}</h1>

        <section aria-labelledby="summary-heading" className="incident-summary">
          <h2 id="summary-heading">{t.summaryHeading}</h2>
          {/* Where it stands now: the latest update's text (markdown) or what staff wrote since. */}
          <UpdateBody markdown={pick(lang, incident.summaryJa, incident.summaryEn)} className="summary-text" />
          <dl className="facts">
            <div>
              <dt>{t.period}</dt>
              <dd>
                <LocalTime iso={incident.startedAt} lang={lang} /> –{' '}
                {incident.resolvedAt ? <LocalTime iso={incident.resolvedAt} lang={lang} /> : t.ongoing}
              </dd>
            </div>
            <div>
              <dt>{t.impactLabel}</dt>
              <dd>
                <span className={`badge impact-${incident.impact}`}>{t.impact[incident.impact]}</span>
              </dd>
            </div>
            <div>
              <dt>{t.currentStatus}</dt>
              <dd>
                <span className={`badge status-${incident.status}`}>{t.incidentStatus[incident.status]}</span>
              </dd>
            </div>
            {incident.maxDelayMinutes !== null && (
              <div>
                <dt>{t.maxDelay}</dt>
                <dd data-max-delay-minutes={incident.maxDelayMinutes}>{t.minutes(incident.maxDelayMinutes)}</dd>
              </div>
            )}
            <div>
              <dt>{t.affectedComponents}</dt>
              <dd>
                <ul className="affected">
                  {incident.components.map((c) => (
                    <li key={c.slug}>
                      <StatusIcon tone={COMPONENT_TONE[c.status]} /> {pick(lang, c.nameJa, c.nameEn)}（{t.componentStatus[c.status]}）
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>

          {incident.windows.length > 0 && (
            <table className="windows">
              <caption>{t.windowsHeading}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.windowColumns.start}</th>
                  <th scope="col">{t.windowColumns.end}</th>
                  <th scope="col">{t.windowColumns.maxDelay}</th>
                </tr>
              </thead>
              <tbody>
                {incident.windows.map((w) => (
                  <tr key={w.startAt}>
                    <td>
                      <LocalTime iso={w.startAt} lang={lang} />
                    </td>
                    <td>{w.endAt ? <LocalTime iso={w.endAt} lang={lang} /> : t.ongoing}</td>
                    <td>{w.maxDelayMinutes === null ? t.notStated : t.minutes(w.maxDelayMinutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <ArrivalEstimateNote estimate={arrivalEstimate} lang={lang} headingId="arrival-estimate-heading" />

        {chart && (
          <section aria-labelledby="incident-chart-heading">
            <h2 id="incident-chart-heading">{t.incidentChartTitle}</h2>
            <DelayChart series={chart} lang={lang} title={t.delayChartTitle(t.period, flow)} id="incident-delay" />
            <QueueChart series={chart} lang={lang} title={t.queueChartTitle(t.period, flow)} id="incident-queue" />
          </section>
        )}

        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">{t.timelineHeading}</h2>
          <Timeline updates={incident.updates} lang={lang} />
        </section>

        {(reportHtml || showingFallback) && (
          <section aria-label={t.reportHeading} className="report">
            {showingFallback && <p className="notice">{t.translationMissing}</p>}
            <SanitizedHtml className="prose" lang={showingFallback ? 'ja' : lang} html={reportHtml || incident.reportHtmlJa} />
          </section>
        )}

        <p className="updated">
          {t.lastUpdated}: <LocalTime iso={incident.updatedAt} lang={lang} />
        </p>
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
