import 'server-only';
import { statuspageShaper, type ComponentTransition, type StatuspageShaper } from '../api/statuspage';
import { loadIncidentSnapshot } from '../api/statuspage-data';
import type { Lang } from '../i18n/locales';

// Statuspage's webhook payloads (https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/):
// { meta, page, incident } for an incident update, and { meta, page, component_update, component }
// for each component status change it announces, so existing receivers work unchanged. Every
// object in them comes from the shaper the API uses (lib/api/statuspage.ts), fed what the API
// would show at the moment the webhook is enqueued: a receiver that also reads /api/v2 finds the
// same incident, component and page there. The body is stored then, so a retry sends the same bytes.

export interface WebhookLinks {
  unsubscribe: string;
  documentation: string;
}

export interface WebhookBody {
  kind: 'incident' | 'component';
  /** The JSON text, per endpoint language. */
  body: Record<Lang, string>;
}

function meta(s: StatuspageShaper, links: WebhookLinks) {
  // generated_at and language are Tayori's additions to Statuspage's meta.
  return { unsubscribe: links.unsubscribe, documentation: links.documentation, generated_at: s.time(new Date().toISOString()), language: s.lang };
}

/** Null for an incident the API does not show (unpublished). */
export function incidentPayload(s: StatuspageShaper, incidentId: string, links: WebhookLinks) {
  const incident = s.incidentById(incidentId);
  return incident && { meta: meta(s, links), page: s.webhookPage(), incident };
}

/** Null for a component the page does not show, or a status Statuspage has no word for. */
export function componentPayload(s: StatuspageShaper, change: ComponentTransition, at: Date, links: WebhookLinks) {
  const component = s.componentById(change.componentId);
  const update = s.componentUpdate(change, at.toISOString());
  return component && update && { meta: meta(s, links), page: s.webhookPage(), component_update: update, component };
}

/**
 * The webhooks of one incident update (or of the incident as it stands, when `update` is null):
 * the incident, and one per component status change the update recorded, in both languages.
 */
export async function incidentWebhookBodies(
  incidentId: string,
  update: { displayAt: Date; transitions: ComponentTransition[] } | null,
  links: WebhookLinks,
): Promise<WebhookBody[]> {
  const snapshot = await loadIncidentSnapshot(incidentId);
  const ja = statuspageShaper(snapshot, 'ja');
  const en = statuspageShaper(snapshot, 'en');
  const inBothLangs = (build: (s: StatuspageShaper) => object | null): Record<Lang, string> | null => {
    const [jaBody, enBody] = [build(ja), build(en)];
    return jaBody && enBody ? { ja: JSON.stringify(jaBody), en: JSON.stringify(enBody) } : null;
  };
  const result: WebhookBody[] = [];
  const incident = inBothLangs((s) => incidentPayload(s, incidentId, links));
  if (incident) result.push({ kind: 'incident', body: incident });
  for (const t of update?.transitions ?? []) {
    const component = inBothLangs((s) => componentPayload(s, t, update!.displayAt, links));
    if (component) result.push({ kind: 'component', body: component });
  }
  return result;
}
