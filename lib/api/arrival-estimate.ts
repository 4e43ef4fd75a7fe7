import 'server-only';
import { isoInZone } from '../dates/format';
import { env } from '../env';
import type { Lang } from '../i18n/locales';
import type { ArrivalEstimateDto } from '../metrics/arrival-queries';
import { arrivalEstimateText } from '../metrics/arrival-text';

/**
 * Not part of Statuspage's API (its clients ignore unknown fields): summary.json's
 * `tayori_arrival_estimate`, null unless inbound mail is delayed (docs/api.md).
 */
export interface TayoriArrivalEstimateJson {
  /** The inbound mail component it is about. */
  component_id: string;
  /** The moment the estimate is about: the end of the newest measured window. */
  as_of: string;
  /** Seconds mail sent at as_of is expected to take to reach its mailbox; null: no estimate. */
  expected_delay_s: number | null;
  /** not_enough_data | no_drain (mail is not being processed), when expected_delay_s is null. */
  no_estimate_reason: 'not_enough_data' | 'no_drain' | null;
  backlog_messages: number;
  /** When the backlog should be gone; null while it is not shrinking. */
  backlog_clears_at: string | null;
  arrivals_per_minute: number | null;
  drain_per_minute: number | null;
  /** scan_queue: behind what the MTA reports ahead of a new sender at its spam check; whole_queue: behind every waiting message. */
  basis: 'scan_queue' | 'whole_queue' | null;
  /** The estimate as the status page words it. */
  text: string;
}

export function arrivalEstimateJson(e: ArrivalEstimateDto | null, lang: Lang): TayoriArrivalEstimateJson | null {
  if (!e) return null;
  const zone = env.SITE_TIME_ZONE;
  return {
    component_id: e.componentId,
    as_of: isoInZone(new Date(e.asOf), zone),
    expected_delay_s: e.delayS,
    no_estimate_reason: e.delayS === null ? e.reason : null,
    backlog_messages: e.backlog,
    backlog_clears_at: e.clearsAt ? isoInZone(new Date(e.clearsAt), zone) : null,
    arrivals_per_minute: e.arrivalsPerMinute,
    drain_per_minute: e.drainPerMinute,
    basis: e.basis,
    text: arrivalEstimateText(lang, e, zone),
  };
}
