import 'server-only';
import { formatInTimeZone } from 'date-fns-tz';
import { enUS, ja } from 'date-fns/locale';
import type { DeferralReason, TraceAnswer, TraceStage } from '#contracts/mta-admin-api';
import { env } from '../env';
import type { Lang } from '../i18n/locales';

// The MTA's answer as the page shows it: times in the site's time zone to the second (a customer
// compares them with "sent at 10:14:32" in their own mail program), nothing else of the message.

export interface ShownTime {
  /** ISO 8601 with the zone's offset, for <time datetime>. */
  iso: string;
  text: string;
}

export type TraceView =
  | { found: false }
  | {
      found: true;
      stage: TraceStage;
      receivedAt: ShownTime;
      scanStartedAt: ShownTime | null;
      scanEndedAt: ShownTime | null;
      scanSkipped: boolean;
      deliveredAt: ShownTime | null;
      delaySeconds: number | null;
      deferral: { reason: DeferralReason; at: ShownTime; nextAttemptAt: ShownTime | null; attempts: number } | null;
      finishedAt: ShownTime | null;
    };

const PATTERN: Record<Lang, string> = { ja: 'yyyy年M月d日(EEE) HH:mm:ss', en: 'EEE, MMM d, yyyy HH:mm:ss' };

function shown(iso: string, lang: Lang): ShownTime;
function shown(iso: string | null, lang: Lang): ShownTime | null;
function shown(iso: string | null, lang: Lang): ShownTime | null {
  if (iso === null) return null;
  const date = new Date(iso);
  const zone = env.SITE_TIME_ZONE;
  const text = formatInTimeZone(date, zone, PATTERN[lang], { locale: lang === 'ja' ? ja : enUS });
  const label = zone === 'Asia/Tokyo' ? 'JST' : formatInTimeZone(date, zone, 'zzz', { locale: enUS });
  return { iso: formatInTimeZone(date, zone, "yyyy-MM-dd'T'HH:mm:ssXXX"), text: lang === 'en' ? `${text} ${label}` : text };
}

export function traceView(answer: TraceAnswer, lang: Lang): TraceView {
  if (!answer.found) return { found: false };
  return {
    found: true,
    stage: answer.stage,
    receivedAt: shown(answer.received_at, lang),
    scanStartedAt: shown(answer.scan_started_at, lang),
    scanEndedAt: shown(answer.scan_ended_at, lang),
    scanSkipped: answer.scan_skipped,
    deliveredAt: shown(answer.delivered_at, lang),
    delaySeconds: answer.delay_s === null ? null : Math.round(answer.delay_s),
    deferral: answer.deferral && {
      reason: answer.deferral.reason,
      at: shown(answer.deferral.at, lang),
      nextAttemptAt: shown(answer.deferral.next_attempt_at, lang),
      attempts: answer.deferral.attempts,
    },
    finishedAt: shown(answer.finished_at, lang),
  };
}
