import 'server-only';
import { audit } from '../audit/log';
import { apiError, apiJson } from '../api-keys/errors';
import { auditActorFor, authenticateApiKey } from '../api-keys/authenticate';
import { clientIp } from '../http/client-address';
import { BodyTooLargeError, readBodyLimited } from '../http/read-body';
import { applyNotification, ignoredCounts } from './apply';
import { webhookPayloadSchema } from './payload';

// POST /api/alertmanager: Alertmanager's webhook receiver, with an API key as its bearer token.
// Answers 200 with what was applied and what was ignored (and why) whenever the payload is
// well-formed, so Alertmanager does not retry a notification that can never apply; 4xx otherwise.

/** Far above a notification of Alertmanager's (a few KB per alert, max_alerts aside). */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;

export async function receiveNotification(request: Request): Promise<Response> {
  const principal = await authenticateApiKey(request);
  if (!principal.ok) return principal.response;

  let text: string;
  try {
    text = await readBodyLimited(request, MAX_NOTIFICATION_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return apiError(413, `The notification is larger than ${MAX_NOTIFICATION_BYTES} bytes`);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return apiError(400, 'The body is not valid JSON');
  }
  const parsed = webhookPayloadSchema.safeParse(body);
  if (!parsed.success) {
    return apiError(422, "The body is not Alertmanager's webhook payload (version 4)", parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message })));
  }

  const outcome = await applyNotification(parsed.data, { componentIds: principal.componentIds });
  const counts = ignoredCounts(outcome.ignored);
  if (outcome.ignored.length) {
    // For staff reading the server's log: which label values named nothing, never the alerts' labels.
    console.warn(
      `alertmanager: ignored ${outcome.ignored.length} of ${parsed.data.alerts.length} alert(s) from key ${principal.prefix}: ${JSON.stringify(counts)}` +
        (outcome.unknownComponents.length ? `; unknown components: ${outcome.unknownComponents.join(', ')}` : ''),
    );
  }
  const ip = await clientIp().catch(() => undefined);
  await audit(
    auditActorFor(principal),
    'alertmanager.notification',
    { type: 'alertmanager' },
    { via: 'alertmanager', status: parsed.data.status, alerts: parsed.data.alerts.length, applied: outcome.applied, ignored: counts, unknownComponents: outcome.unknownComponents, components: outcome.componentIds.length },
    ip,
  );
  // The worker judges the stored alerts on its next tick (RULE_TICK_SECONDS), as it does mail.
  return apiJson(200, { applied: outcome.applied, ignored: outcome.ignored });
}
