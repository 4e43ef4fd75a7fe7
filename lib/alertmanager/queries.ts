import 'server-only';
import { db } from '../db';

// What staff read on /admin/alerts: the alerts firing now per component, with their names and
// summaries (never shown to customers), and the latest notifications' outcome.

export interface FiringAlertDto {
  fingerprint: string;
  alertName: string;
  summary: string;
  level: string;
  startsAt: string;
  lastNotifiedAt: string;
  labels: Record<string, string>;
}

export interface ComponentAlertsDto {
  componentId: string;
  slug: string;
  nameJa: string;
  nameEn: string;
  status: string;
  overrideStatus: string | null;
  alerts: FiringAlertDto[];
}

function readLabels(json: string): Record<string, string> {
  try {
    return JSON.parse(json) as Record<string, string>;
  } catch {
    return {};
  }
}

/** Components with alerts firing at `now` (an alert whose end has passed has stopped), worst first within each. */
export async function firingAlertsByComponent(now = new Date()): Promise<ComponentAlertsDto[]> {
  const rows = await db.componentAlert.findMany({
    where: { status: 'firing', startsAt: { lte: now }, OR: [{ endsAt: null }, { endsAt: { gt: now } }] },
    include: { component: { select: { id: true, slug: true, nameJa: true, nameEn: true, status: true, overrideStatus: true, position: true } } },
    orderBy: [{ component: { position: 'asc' } }, { startsAt: 'asc' }],
    take: 500,
  });
  const byComponent = new Map<string, ComponentAlertsDto>();
  for (const r of rows) {
    const c = r.component;
    const entry = byComponent.get(c.id) ?? { componentId: c.id, slug: c.slug, nameJa: c.nameJa, nameEn: c.nameEn, status: c.status, overrideStatus: c.overrideStatus, alerts: [] };
    entry.alerts.push({
      fingerprint: r.fingerprint,
      alertName: r.alertName,
      summary: r.summary,
      level: r.level,
      startsAt: r.startsAt.toISOString(),
      lastNotifiedAt: r.lastNotifiedAt.toISOString(),
      labels: readLabels(r.labels),
    });
    byComponent.set(c.id, entry);
  }
  return [...byComponent.values()];
}

export interface NotificationLogDto {
  at: string;
  actor: string;
  details: { alerts?: number; applied?: number; ignored?: Record<string, number>; unknownComponents?: string[] };
}

/** The latest notifications received, with what was applied and ignored. */
export async function recentNotifications(limit = 20): Promise<NotificationLogDto[]> {
  const rows = await db.auditLog.findMany({ where: { action: 'alertmanager.notification' }, orderBy: { at: 'desc' }, take: limit });
  return rows.map((r) => {
    let details: NotificationLogDto['details'] = {};
    try {
      details = JSON.parse(r.details) as NotificationLogDto['details'];
    } catch {
      // an entry that does not parse shows without figures
    }
    return { at: r.at.toISOString(), actor: r.actorEmail, details };
  });
}
