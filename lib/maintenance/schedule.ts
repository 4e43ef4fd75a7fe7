import 'server-only';
import { db } from '../db';
import { enqueueMaintenanceNotice } from '../notices/enqueue';

// Maintenance windows switch themselves: in progress at the start (components to
// under_maintenance, staff override so the metric rules do not fight it), completed at the end
// (components back to what they were). Run on every rule tick, by every site process: each
// transition is claimed with a conditional update first, so only one process makes it.

export interface MaintenanceEvent {
  maintenanceId: string;
  kind: 'reminder' | 'started' | 'completed';
}

export async function advanceMaintenances(now = new Date()): Promise<MaintenanceEvent[]> {
  const events: MaintenanceEvent[] = [];
  const due = await db.maintenance.findMany({
    where: { published: true, autoTransition: true, status: { in: ['scheduled', 'in_progress', 'verifying'] } },
    include: { components: true },
  });
  for (const m of due) {
    if (m.status === 'scheduled' && !m.reminderSentAt && m.scheduledFor.getTime() - m.remindBeforeMinutes * 60_000 <= now.getTime() && m.scheduledFor > now) {
      const claimed = await db.maintenance.updateMany({ where: { id: m.id, reminderSentAt: null }, data: { reminderSentAt: now } });
      if (claimed.count) events.push({ maintenanceId: m.id, kind: 'reminder' });
    }
    if (m.status === 'scheduled' && m.scheduledFor <= now && m.scheduledUntil > now) {
      if (await start(m.id, m.components.map((c) => c.componentId), now)) events.push({ maintenanceId: m.id, kind: 'started' });
    } else if (m.status !== 'scheduled' && m.scheduledUntil <= now) {
      if (await complete(m.id, m.status, now)) events.push({ maintenanceId: m.id, kind: 'completed' });
    } else if (m.status === 'scheduled' && m.scheduledUntil <= now) {
      // The whole window passed while the site was down: record it as done, touching nothing.
      const claimed = await db.maintenance.updateMany({ where: { id: m.id, status: 'scheduled' }, data: { status: 'completed', completedAt: now } });
      if (claimed.count) events.push({ maintenanceId: m.id, kind: 'completed' });
    }
  }
  for (const event of events) await notifyMaintenance(event);
  return events;
}

const NOTICE_KIND = { reminder: 'maintenance_announced', started: 'maintenance_started', completed: 'maintenance_completed' } as const;

/** Subscribers hear of the announcement, a reminder before the start, the start and the end. */
export async function notifyMaintenance(event: MaintenanceEvent | { maintenanceId: string; kind: 'announced' }) {
  const m = await db.maintenance.findUnique({ where: { id: event.maintenanceId }, include: { components: true } });
  if (!m || !m.published) return;
  try {
    await enqueueMaintenanceNotice({
      key: event.kind === 'reminder' ? `${m.id}:reminder` : m.id,
      kind: event.kind === 'announced' ? 'maintenance_announced' : NOTICE_KIND[event.kind],
      titleJa: m.titleJa,
      titleEn: m.titleEn,
      startsAt: m.scheduledFor,
      endsAt: m.scheduledUntil,
      bodyJa: m.bodyJa,
      bodyEn: m.bodyEn,
      componentIds: m.components.map((c) => c.componentId),
      path: '/',
    });
  } catch (error) {
    // The schedule must go on even if notices cannot be written now.
    console.error(`maintenance ${m.slug}: could not create the ${event.kind} notice:`, error);
  }
}

/** False when another site process started it first. */
async function start(id: string, componentIds: string[], now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const claimed = await tx.maintenance.updateMany({ where: { id, status: 'scheduled' }, data: { status: 'in_progress', startedAt: now } });
    if (!claimed.count) return false;
    for (const componentId of componentIds) {
      const c = await tx.component.findUniqueOrThrow({ where: { id: componentId } });
      await tx.maintenanceComponent.update({ where: { maintenanceId_componentId: { maintenanceId: id, componentId } }, data: { previousStatus: c.status } });
      await tx.component.update({ where: { id: componentId }, data: { status: 'under_maintenance', overrideStatus: 'under_maintenance' } });
      await tx.componentStatusChange.create({ data: { componentId, oldStatus: c.status, newStatus: 'under_maintenance', cause: 'maintenance', changedAt: now } });
    }
    await tx.maintenanceUpdate.create({
      data: { maintenanceId: id, status: 'in_progress', bodyJa: 'メンテナンスを開始しました。', bodyEn: 'The maintenance has started.', displayAt: now },
    });
    return true;
  });
}

/** False when another site process completed it first. */
async function complete(id: string, status: string, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const claimed = await tx.maintenance.updateMany({ where: { id, status }, data: { status: 'completed', completedAt: now } });
    if (!claimed.count) return false;
    const links = await tx.maintenanceComponent.findMany({ where: { maintenanceId: id } });
    for (const link of links) {
      const restored = link.previousStatus && link.previousStatus !== 'under_maintenance' ? link.previousStatus : 'operational';
      await tx.component.update({ where: { id: link.componentId }, data: { status: restored, overrideStatus: null } });
      await tx.componentStatusChange.create({ data: { componentId: link.componentId, oldStatus: 'under_maintenance', newStatus: restored, cause: 'maintenance', changedAt: now } });
    }
    await tx.maintenanceUpdate.create({
      data: { maintenanceId: id, status: 'completed', bodyJa: 'メンテナンスは完了しました。ご協力ありがとうございました。', bodyEn: 'The maintenance is complete. Thank you for your patience.', displayAt: now },
    });
    return true;
  });
}
