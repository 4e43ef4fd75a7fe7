import 'server-only';
import { fromZonedTime } from 'date-fns-tz';
import { db } from '../db';
import { env } from '../env';

export interface NewMaintenance {
  titleJa: string;
  titleEn: string;
  bodyJa: string;
  bodyEn: string;
  /** yyyy-MM-ddTHH:mm in the site's time zone, as a datetime-local field sends it, or a moment (the write API). */
  scheduledFor: string | Date;
  scheduledUntil: string | Date;
  componentIds: string[];
  remindBeforeMinutes: number;
}

export function fromLocalInput(value: string | Date): Date {
  return value instanceof Date ? value : fromZonedTime(value, env.SITE_TIME_ZONE);
}

export async function createMaintenance(input: NewMaintenance, slugBase: string, createdById: string | null) {
  let slug = slugBase;
  for (let n = 2; await db.maintenance.findUnique({ where: { slug }, select: { id: true } }); n++) slug = `${slugBase}-${n}`;
  return db.maintenance.create({
    data: {
      slug,
      titleJa: input.titleJa,
      titleEn: input.titleEn,
      bodyJa: input.bodyJa,
      bodyEn: input.bodyEn,
      scheduledFor: fromLocalInput(input.scheduledFor),
      scheduledUntil: fromLocalInput(input.scheduledUntil),
      remindBeforeMinutes: input.remindBeforeMinutes,
      createdById,
      components: { create: input.componentIds.map((componentId) => ({ componentId })) },
      updates: { create: [{ status: 'scheduled', bodyJa: input.bodyJa, bodyEn: input.bodyEn, displayAt: new Date() }] },
    },
  });
}

export async function listMaintenances() {
  return db.maintenance.findMany({ orderBy: { scheduledFor: 'desc' }, take: 100, include: { components: true } });
}
