import type { Metadata } from 'next';
import Link from 'next/link';
import { DelayChart, QueueChart } from '@/components/charts/delay-chart';
import { ArrivalEstimateNote } from '@/components/arrival-estimate';
import { ComponentList } from '@/components/component-list';
import { IncidentCard } from '@/components/incident-card';
import { ReportLinks } from '@/components/report-links';
import { LocalTime } from '@/components/local-time';
import { UpdateBody } from '@/components/update-body';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { COMPONENT_TONE, INDICATOR_TONE, StatusIcon } from '@/components/status-icon';
import { getComponentGroups } from '@/lib/components/queries';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { domainLookupMessages } from '@/lib/i18n/domain-lookup-messages';
import { messages } from '@/lib/i18n/messages';
import { mailTraceMessages } from '@/lib/i18n/mail-trace-messages';
import { langParams, resolveLang } from '@/lib/i18n/params';
import { getCurrentIncidents } from '@/lib/incidents/queries';
import { getActiveAndUpcomingMaintenance } from '@/lib/maintenance/queries';
import { getArrivalEstimate } from '@/lib/metrics/arrival-queries';
import { getDelaySeries, getUptime } from '@/lib/metrics/queries';
import { overallStatus } from '@/lib/status/indicator';
import { pageMetadata } from '@/lib/site/metadata';

// Static, regenerated in the background at most every 30 s and on every status change
// (revalidateTag), so a visitor's request never costs a database query.
export const revalidate = 30;
export const generateStaticParams = langParams;

const RECENT_DAYS = 14;

export async function generateMetadata({ params }: { params: Promise<{ lang: string }> }): Promise<Metadata> {
  const lang = await resolveLang(params);
  return pageMetadata(lang, '/', null, messages(lang).siteTagline);
}

export default async function StatusPage({ params }: { params: Promise<{ lang: string }> }) {
  const lang: Lang = await resolveLang(params);
  const t = messages(lang);
  const [groups, incidents, uptime, inboundDelay, outboundDelay, maintenance, arrivalEstimate] = await Promise.all([
    getComponentGroups(),
    getCurrentIncidents(RECENT_DAYS),
    getUptime(),
    getDelaySeries('24h', 'inbound'),
    getDelaySeries('24h', 'outbound'),
    getActiveAndUpcomingMaintenance(),
    // Null unless inbound mail is delayed.
    getArrivalEstimate(),
  ]);
  // One chart pair per measured mail flow: inbound (メール受信) first, then outbound (メール送信).
  const measured = groups
    .flatMap((g) => g.components)
    .filter((c) => c.measured && c.flow)
    .sort((a, b) => (a.flow === b.flow ? 0 : a.flow === 'inbound' ? -1 : 1));
  const overall = overallStatus(
    groups.flatMap((g) => g.components.map((c) => c.status)),
    incidents.unresolved.map((i) => i.impact),
  );
  const tone = INDICATOR_TONE[overall.indicator];

  return (
    <>
      <SiteHeader lang={lang} path="/" />
      <main id="main" className="page">
        <h1 className="visually-hidden">{t.componentsHeading}</h1>
        <section className={`status-banner tone-${tone}`} data-indicator={overall.indicator} aria-live="polite">
          <StatusIcon tone={tone} />
          <p className="status-banner-text">{t.overall[overall.description]}</p>
        </section>

        <ArrivalEstimateNote estimate={arrivalEstimate} lang={lang} headingId="arrival-estimate-heading" />

        {incidents.unresolved.length > 0 && (
          <section aria-labelledby="unresolved-heading" className="unresolved">
            <h2 id="unresolved-heading">{t.unresolvedHeading}</h2>
            {incidents.unresolved.map((incident) => (
              <IncidentCard key={incident.id} incident={incident} lang={lang} />
            ))}
          </section>
        )}

        {maintenance.length > 0 && (
          <section aria-labelledby="maintenance-heading" className="maintenance">
            <h2 id="maintenance-heading">{t.maintenanceHeading}</h2>
            {maintenance.map((m) => (
              <article key={m.id} className="incident-card" data-maintenance={m.slug} data-maintenance-status={m.status}>
                <h3 className="incident-title">{lang === 'ja' ? m.titleJa : m.titleEn}</h3>
                <p className="incident-meta">
                  <span className="badge">{t.maintenanceStatus[m.status as keyof typeof t.maintenanceStatus] ?? m.status}</span>
                  <LocalTime iso={m.scheduledFor} lang={lang} /> – <LocalTime iso={m.scheduledUntil} lang={lang} />
                </p>
                <UpdateBody markdown={lang === 'ja' ? m.bodyJa : m.bodyEn} />
              </article>
            ))}
          </section>
        )}

        <section aria-labelledby="components-heading">
          <h2 id="components-heading">{t.componentsHeading}</h2>
          <ComponentList groups={groups} lang={lang} uptime={uptime} />
          <p className="legend">
            {(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const).map((s) => (
              <span key={s} className={`legend-item tone-${COMPONENT_TONE[s]}`}>
                <StatusIcon tone={COMPONENT_TONE[s]} /> {t.componentStatus[s]}
              </span>
            ))}
          </p>
          <ReportLinks lang={lang} />
        </section>

        {measured.map((c) => {
          const flow = c.flow!;
          // The inbound charts keep the ids they always had; outbound ones are prefixed.
          const prefix = flow === 'inbound' ? '' : 'outbound-';
          const series = flow === 'inbound' ? inboundDelay : outboundDelay;
          return (
            <section key={c.id} aria-labelledby={`${prefix}delay-heading`} data-flow={flow}>
              <h2 id={`${prefix}delay-heading`}>{t.mailChartsHeading(t.ranges['24h'], flow)}</h2>
              <DelayChart series={series} lang={lang} title={t.delayChartTitle(t.ranges['24h'], flow)} id={`${prefix}delay-24h`} />
              <QueueChart series={series} lang={lang} title={t.queueChartTitle(t.ranges['24h'], flow)} id={`${prefix}queue-24h`} />
              {flow === 'inbound' && (
                <p>
                  <Link href={localePath(lang, '/mail/domain')} data-testid="domain-lookup-link">
                    {domainLookupMessages(lang).statusPageLink} →
                  </Link>
                </p>
              )}
              <p>
                <Link href={localePath(lang, `/components/${c.slug}`)}>
                  {pick(lang, c.nameJa, c.nameEn)} · {t.componentDetails}: {t.ranges['7d']} / {t.ranges['30d']} →
                </Link>
              </p>
              {flow === 'inbound' && (
                <p>
                  <Link href={localePath(lang, '/mail/trace')}>{mailTraceMessages(lang).statusPageLink} →</Link>
                </p>
              )}
            </section>
          );
        })}

        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">{t.recentHeading}</h2>
          {incidents.recent.length === 0 ? (
            // Never a bare "no incidents" while one is listed as ongoing above.
            <p className="empty">{t.noRecentIncidents(RECENT_DAYS, incidents.unresolved.length > 0)}</p>
          ) : (
            incidents.recent.map((incident) => <IncidentCard key={incident.id} incident={incident} lang={lang} />)
          )}
          <p>
            <Link href={localePath(lang, '/history')}>{t.historyLink} →</Link>
          </p>
        </section>
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
