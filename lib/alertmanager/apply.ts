import 'server-only';
import { db } from '../db';
import { env } from '../env';
import { ensureSignalsRule } from '../rules/signal-rule';
import { levelForSeverity, parseSeverityMap } from './severity';
import { orderingOf } from './ordering';
import { alertSummary, payloadTime, type WebhookPayload } from './payload';

// One Alertmanager notification applied alert by alert, in one transaction: each alert is stored
// against the component its label names (ComponentAlert); the rules read them on the worker's
// next tick (lib/rules/signal-windows.ts). Nothing is evaluated here.

export type IgnoredReason = 'no_component_label' | 'unknown_component' | 'component_out_of_scope' | 'unknown_severity' | 'stale' | 'firing_after_resolve';

export interface IgnoredAlert {
  fingerprint: string;
  reason: IgnoredReason;
}

export interface NotificationOutcome {
  applied: number;
  ignored: IgnoredAlert[];
  /** Values of the component label that named no component, for staff (a few at most). */
  unknownComponents: string[];
  /** Components whose alerts changed. */
  componentIds: string[];
}

const MAX_UNKNOWN_REPORTED = 10;

export async function applyNotification(payload: WebhookPayload, scope: { componentIds: string[] | null }, now = new Date()): Promise<NotificationOutcome> {
  const label = env.ALERTMANAGER_COMPONENT_LABEL;
  const severities = parseSeverityMap(env.ALERTMANAGER_SEVERITY_MAP);
  const slugs = [...new Set(payload.alerts.map((a) => a.labels[label]).filter((s): s is string => Boolean(s)))];

  return db.$transaction(async (tx) => {
    // Archived components take no alerts: they are gone from the page.
    const components = await tx.component.findMany({ where: { slug: { in: slugs }, archivedAt: null }, select: { id: true, slug: true } });
    const bySlug = new Map(components.map((c) => [c.slug, c.id]));
    const outcome: NotificationOutcome = { applied: 0, ignored: [], unknownComponents: [], componentIds: [] };
    const ignore = (fingerprint: string, reason: IgnoredReason) => outcome.ignored.push({ fingerprint, reason });

    for (const alert of payload.alerts) {
      const slug = alert.labels[label];
      if (!slug) {
        ignore(alert.fingerprint, 'no_component_label');
        continue;
      }
      const componentId = bySlug.get(slug);
      if (!componentId) {
        ignore(alert.fingerprint, 'unknown_component');
        if (outcome.unknownComponents.length < MAX_UNKNOWN_REPORTED && !outcome.unknownComponents.includes(slug)) outcome.unknownComponents.push(slug.slice(0, 100));
        continue;
      }
      if (scope.componentIds && !scope.componentIds.includes(componentId)) {
        ignore(alert.fingerprint, 'component_out_of_scope');
        continue;
      }
      const level = levelForSeverity(severities, alert.labels.severity);
      if (!level) {
        ignore(alert.fingerprint, 'unknown_severity');
        continue;
      }
      const startsAt = payloadTime(alert.startsAt) ?? now;
      // A resolved alert without an end ended when we heard of it.
      const endsAt = payloadTime(alert.endsAt) ?? (alert.status === 'resolved' ? now : null);
      const incoming = { status: alert.status, startsAt, endsAt };

      const stored = await tx.componentAlert.findUnique({ where: { fingerprint: alert.fingerprint } });
      const ordering = orderingOf(stored ? { status: stored.status === 'resolved' ? 'resolved' : 'firing', startsAt: stored.startsAt, endsAt: stored.endsAt } : null, incoming);
      if (!ordering.apply) {
        ignore(alert.fingerprint, ordering.reason);
        continue;
      }
      const data = {
        componentId,
        status: alert.status,
        level,
        alertName: (alert.labels.alertname ?? '').slice(0, 200),
        summary: alertSummary(alert),
        labels: JSON.stringify(alert.labels),
        startsAt,
        endsAt,
        lastNotifiedAt: now,
      };
      await tx.componentAlert.upsert({ where: { fingerprint: alert.fingerprint }, update: data, create: { fingerprint: alert.fingerprint, ...data } });
      await ensureSignalsRule(componentId, tx);
      outcome.applied++;
      if (!outcome.componentIds.includes(componentId)) outcome.componentIds.push(componentId);
    }
    return outcome;
  });
}

/** Counts per reason, for the audit log and the server's log (never labels). */
export function ignoredCounts(ignored: readonly IgnoredAlert[]): Partial<Record<IgnoredReason, number>> {
  const counts: Partial<Record<IgnoredReason, number>> = {};
  for (const i of ignored) counts[i.reason] = (counts[i.reason] ?? 0) + 1;
  return counts;
}
