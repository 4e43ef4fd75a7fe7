'use server';

import { formatInTimeZone } from 'date-fns-tz';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { refreshStatusPages } from '@/lib/cache/refresh';
import { env } from '@/lib/env';
import { createMaintenance, fromLocalInput } from '@/lib/maintenance/admin';
import { notifyMaintenance } from '@/lib/maintenance/schedule';

export interface MaintenanceState {
  fields?: Record<string, string>;
}

const local = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, '日時を入力してください / Enter a date and time');

const Schema = z
  .object({
    titleJa: z.string().trim().min(1, '入力してください / Required').max(200),
    titleEn: z.string().trim().min(1, '入力してください / Required').max(200),
    bodyJa: z.string().trim().min(1, '入力してください / Required').max(20_000),
    bodyEn: z.string().trim().min(1, '入力してください / Required').max(20_000),
    scheduledFor: local,
    scheduledUntil: local,
    remindBeforeMinutes: z.coerce.number().int().min(0).max(7 * 24 * 60),
  })
  .refine((m) => fromLocalInput(m.scheduledUntil) > fromLocalInput(m.scheduledFor), { path: ['scheduledUntil'], message: '終了は開始より後にしてください / The end must be after the start' });

export async function createMaintenanceAction(_: MaintenanceState, formData: FormData): Promise<MaintenanceState> {
  const staff = await authorizeAction('editor');
  const parsed = Schema.safeParse(Object.fromEntries(formData));
  const componentIds = formData.getAll('componentIds').map(String).filter(Boolean);
  const fields: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) fields[String(i.path[0])] ??= i.message;
  if (!componentIds.length) fields.componentIds = '対象のサービスを選んでください / Choose the affected services';
  if (formData.get('confirm') !== 'yes') fields.confirm = 'この内容はお客様に公開されます / Customers will see this: tick to confirm';
  if (!parsed.success || Object.keys(fields).length) return { fields };

  const stamp = formatInTimeZone(fromLocalInput(parsed.data.scheduledFor), env.SITE_TIME_ZONE, 'yyyyMMdd');
  const m = await createMaintenance({ ...parsed.data, componentIds }, `${stamp}-maintenance`, staff.id);
  await audit(staff, 'maintenance.create', { type: 'maintenance', id: m.id }, { title: m.titleJa, from: m.scheduledFor, until: m.scheduledUntil }, await clientIp());
  if (formData.get('notify') === 'yes') {
    await notifyMaintenance({ maintenanceId: m.id, kind: 'announced' });
    await audit(staff, 'maintenance.notify', { type: 'maintenance', id: m.id }, {}, await clientIp());
  }
  refreshStatusPages();
  redirect('/admin/maintenance');
}
