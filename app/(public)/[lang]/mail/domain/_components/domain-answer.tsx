import Link from 'next/link';
import { DelayChart, formatSeconds, QueueChart } from '@/components/charts/delay-chart';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import type { DomainLookupMessages } from '@/lib/i18n/domain-lookup-messages';
import { RECENT_MINUTES } from '@/lib/metrics/domain-delay';
import type { DomainDelayAnswer } from '@/lib/lookups/domain-delay';

export function DomainAnswer({ lang, t, answer: a }: { lang: Lang; t: DomainLookupMessages; answer: DomainDelayAnswer }) {
  const seconds = (s: number | null) => formatSeconds(s, lang);
  const own = a.scope === 'domain';
  const incidentText = !a.incident ? t.noIncident : own ? (a.late ? t.incidentOwnConcerned : t.incidentOwnNotConcerned) : t.incidentAll;
  return (
    <section aria-labelledby="domain-answer-heading" data-testid="domain-answer">
      <h2 id="domain-answer-heading">{own ? t.ownHeading(a.domain) : t.allHeading(a.domain)}</h2>
      {!own && <p data-testid="domain-all-explained">{t.allExplained}</p>}
      <h3>{t.currentHeading}</h3>
      <ul>
        <li data-testid="domain-p95">
          {a.deliveredCount > 0 ? (
            <>
              {t.p95(RECENT_MINUTES)} <strong>{seconds(a.p95S)}</strong>
            </>
          ) : (
            t.noneDelivered(RECENT_MINUTES)
          )}
        </li>
        <li data-testid="domain-waiting">{a.waiting > 0 ? t.waiting(a.waiting, seconds(a.oldestWaitingS)) : t.nothingWaiting}</li>
        <li data-testid="domain-late">{a.late ? t.late(seconds(a.delayS)) : t.onTime}</li>
      </ul>
      <p data-testid="domain-incident" role="status">
        {incidentText}
        {a.incident && (
          <>
            {' '}
            <Link href={localePath(lang, `/incidents/${a.incident.slug}`)}>
              {pick(lang, a.incident.titleJa, a.incident.titleEn)} · {t.incidentLink} →
            </Link>
          </>
        )}
      </p>
      <DelayChart series={a.series} lang={lang} title={t.chartTitle} description={own ? t.chartOwn : t.chartAll} id="domain-delay-today" />
      <QueueChart series={a.series} lang={lang} title={t.queueTitle} id="domain-queue-today" />
    </section>
  );
}
