import { LatencyChart } from '@/components/charts/latency-chart';
import type { Lang } from '@/lib/i18n/locales';
import { getProbeLatencySeries, type LatencyRange } from '@/lib/probes/queries';

const RANGES: LatencyRange[] = ['24h', '7d'];
const TEXT = {
  ja: { heading: (r: string) => `応答時間（${r}）`, title: (r: string) => `監視による応答時間（${r}）`, ranges: { '24h': '24時間', '7d': '7日間' } },
  en: { heading: (r: string) => `Response time (${r})`, title: (r: string) => `Response time measured by our checks (${r})`, ranges: { '24h': '24 hours', '7d': '7 days' } },
};

/** A component's probe latency charts on its public page; nothing for a component without probes. */
export async function ProbeLatencySection({ componentId, lang }: { componentId: string; lang: Lang }) {
  const series = (await Promise.all(RANGES.map((r) => getProbeLatencySeries(componentId, r)))).filter((s) => s !== null);
  const t = TEXT[lang];
  return series.map((s) => (
    <section key={s.range} aria-labelledby={`latency-${s.range}`} data-section="probe-latency">
      <h2 id={`latency-${s.range}`}>{t.heading(t.ranges[s.range])}</h2>
      <LatencyChart series={s} lang={lang} title={t.title(t.ranges[s.range])} id={`latency-chart-${s.range}`} />
    </section>
  ));
}
