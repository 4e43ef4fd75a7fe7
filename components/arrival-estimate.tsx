import { isoInZone } from '@/lib/dates/format';
import { env } from '@/lib/env';
import type { Lang } from '@/lib/i18n/locales';
import type { ArrivalEstimateDto } from '@/lib/metrics/arrival-queries';
import { arrivalEstimateBasis, arrivalEstimateText } from '@/lib/metrics/arrival-text';

/**
 * 「いま送信されたメールは約N分後に届く見込みです。…」 while inbound mail is delayed (the caller passes
 * null otherwise), with what the figure rests on and when it was made. The same words as the API's
 * `tayori_arrival_estimate.text`.
 */
export function ArrivalEstimateNote({ estimate, lang, headingId }: { estimate: ArrivalEstimateDto | null; lang: Lang; headingId: string }) {
  if (!estimate) return null;
  const zone = env.SITE_TIME_ZONE;
  return (
    <section className="arrival-estimate" aria-labelledby={headingId} data-arrival-delay-s={estimate.delayS ?? 'none'}>
      <h2 id={headingId}>{lang === 'ja' ? 'メールの到着見込み' : 'When will mail arrive?'}</h2>
      <p className="arrival-estimate-text">{arrivalEstimateText(lang, estimate, zone)}</p>
      <p className="arrival-estimate-basis">
        <time dateTime={isoInZone(new Date(estimate.asOf), zone)}>{arrivalEstimateBasis(lang, estimate, zone)}</time>
      </p>
    </section>
  );
}
