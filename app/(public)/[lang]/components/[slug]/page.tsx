import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DelayChart, formatSeconds, QueueChart } from '@/components/charts/delay-chart';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { ProbeLatencySection } from '@/components/probe-latency-section';
import { ReportLinks } from '@/components/report-links';
import { COMPONENT_TONE, StatusIcon } from '@/components/status-icon';
import { UptimeBars } from '@/components/uptime-bars';
import { getComponentGroups } from '@/lib/components/queries';
import { localePath, LANGS, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import { resolveLang } from '@/lib/i18n/params';
import { getDelaySeries, getUptime, type ChartRange } from '@/lib/metrics/queries';
import { pageMetadata } from '@/lib/site/metadata';

export const revalidate = 30;

type Params = Promise<{ lang: string; slug: string }>;
const RANGES: ChartRange[] = ['24h', '7d', '30d'];

export async function generateStaticParams() {
  const groups = await getComponentGroups();
  return LANGS.flatMap((lang) => groups.flatMap((g) => g.components.map((c) => ({ lang, slug: c.slug }))));
}

async function findComponent(slug: string) {
  const groups = await getComponentGroups();
  for (const g of groups) {
    const c = g.components.find((x) => x.slug === slug);
    if (c) return { group: g, component: c };
  }
  return null;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const found = await findComponent((await params).slug);
  if (!found) return {};
  const c = found.component;
  return pageMetadata(lang, `/components/${c.slug}`, pick(lang, c.nameJa, c.nameEn), pick(lang, c.descriptionJa, c.descriptionEn));
}

export default async function ComponentPage({ params }: { params: Params }) {
  const lang: Lang = await resolveLang(params);
  const { slug } = await params;
  const found = await findComponent(slug);
  if (!found) notFound();
  const { component: c, group } = found;
  const t = messages(lang);
  const flow = c.flow ?? 'inbound';
  const [uptime, ...series] = await Promise.all([getUptime(), ...(c.measured ? RANGES.map((r) => getDelaySeries(r, flow)) : [])]);
  const u = uptime.find((x) => x.slug === c.slug);
  const name = pick(lang, c.nameJa, c.nameEn);
  const tone = c.noData ? 'maintenance' : COMPONENT_TONE[c.status];

  return (
    <>
      <SiteHeader lang={lang} path={`/components/${c.slug}`} />
      <main id="main" className="page">
        <p className="breadcrumb">
          <Link href={localePath(lang, '/')}>← {t.backToStatus}</Link>
        </p>
        <h1>{name}</h1>
        <p className="component-description">
          {pick(lang, group.nameJa, group.nameEn)} · {pick(lang, c.descriptionJa, c.descriptionEn)}
        </p>
        <p className={`component-status big tone-${c.noData ? 'nodata' : COMPONENT_TONE[c.status]}`} data-status={c.status}>
          <StatusIcon tone={tone} /> {c.noData ? t.noData : t.componentStatus[c.status]}
          {c.measured && !c.noData && c.currentDelayS !== null && (
            <span className="component-delay">
              {' '}
              · {t.currentDelay}: {formatSeconds(c.currentDelayS, lang)}
            </span>
          )}
        </p>
        {c.noData && <p className="notice">{t.noDataExplained}</p>}

        {u && (
          <section aria-labelledby="uptime-heading">
            <h2 id="uptime-heading">{t.uptimeLabel(u.days.length)}</h2>
            <UptimeBars uptime={u} lang={lang} name={name} />
          </section>
        )}
        <ReportLinks lang={lang} componentSlug={c.slug} />

        {series.map((s) => (
          <section key={s.range} aria-labelledby={`chart-${s.range}`}>
            <h2 id={`chart-${s.range}`}>{t.mailChartsHeading(t.ranges[s.range], flow)}</h2>
            <DelayChart series={s} lang={lang} title={t.delayChartTitle(t.ranges[s.range], flow)} id={`delay-${s.range}`} />
            <QueueChart series={s} lang={lang} title={t.queueChartTitle(t.ranges[s.range], flow)} id={`queue-${s.range}`} />
          </section>
        ))}
        <ProbeLatencySection componentId={c.id} lang={lang} />
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
