'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { refreshStatusPages } from '@/lib/cache/refresh';
import { noteScanBypassBySlug } from '@/lib/incidents/scan-bypass';
import { mta, MtaError } from '@/lib/mta/admin-client';
import { BLOCKLIST_KINDS, SCAN_POLICIES } from '#contracts/mta-admin-api';

export interface MailState {
  ok?: string;
  error?: string;
  /** What was typed, given back with an error so the form keeps it. */
  values?: Record<string, string>;
}

const reason = z.string().trim().min(1, '理由を入力してください / Give a reason').max(500);

function failure(error: unknown): MailState {
  return { error: error instanceof MtaError ? error.message : error instanceof Error ? error.message : String(error) };
}

export async function blockAction(_: MailState, formData: FormData): Promise<MailState> {
  const staff = await authorizeAction('admin');
  const parsed = z.object({ kind: z.enum(BLOCKLIST_KINDS), value: z.string().trim().min(1).max(255), reason }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join(' ') };
  try {
    await mta.block(parsed.data.kind, parsed.data.value, parsed.data.reason, staff.email);
  } catch (error) {
    return failure(error);
  }
  await audit(staff, 'mail.block', { type: 'blocklist' }, parsed.data, await clientIp());
  revalidatePath('/admin/mail');
  return { ok: `${parsed.data.value}` };
}

export async function unblockAction(formData: FormData) {
  const staff = await authorizeAction('admin');
  const id = z.coerce.number().int().positive().safeParse(formData.get('id'));
  if (!id.success) return;
  await mta.unblock(id.data, staff.email).catch(() => undefined);
  await audit(staff, 'mail.unblock', { type: 'blocklist', id: String(id.data) }, { value: String(formData.get('value') ?? '') }, await clientIp());
  revalidatePath('/admin/mail');
}

export async function scanPolicyAction(_: MailState, formData: FormData): Promise<MailState> {
  const staff = await authorizeAction('admin');
  const parsed = z
    .object({ policy: z.enum(SCAN_POLICIES), reason })
    .safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join(' ') };
  try {
    await mta.setScanPolicy(parsed.data.policy, parsed.data.reason, staff.email);
  } catch (error) {
    return failure(error);
  }
  await audit(staff, 'mail.scan_policy', { type: 'scan_policy' }, { policy: parsed.data.policy, reason: parsed.data.reason }, await clientIp());
  // As the 2014 operators did for the SPAM check: customers are told at once that spam filtering
  // is off, with the reason. The spam-check rule keeps the same note (and closes it on resumption).
  if (parsed.data.policy === 'bypass') {
    const incidentId = await noteScanBypassBySlug('spam-check', new Date(), 'staff', parsed.data.reason);
    if (incidentId) await audit(staff, 'incident.publish', { type: 'incident', id: incidentId }, { note: 'scan bypass' }, await clientIp());
    refreshStatusPages();
  }
  revalidatePath('/admin/mail');
  return { ok: parsed.data.policy };
}

/**
 * A waiting message, deleted (nobody is told) or returned to its sender (who gets a non-delivery
 * notification with the reason). Both are final, so both ask for a confirmation.
 */
export async function queueMessageAction(_: MailState, formData: FormData): Promise<MailState> {
  const staff = await authorizeAction('admin');
  const parsed = z
    .object({
      id: z.string().regex(/^[0-9A-Z]{1,40}$/, 'no such message / 不明なメッセージです'),
      action: z.enum(['bounce', 'delete']),
      reason: z.string().trim().max(300).default(''),
      confirm: z.literal('yes', { error: '確認のチェックを入れてください / Tick the confirmation' }),
    })
    .refine((v) => v.action !== 'bounce' || v.reason.length > 0, { message: '送信者に伝える理由を入力してください / Give the reason the sender is told', path: ['reason'] })
    .safeParse(Object.fromEntries(formData));
  const values = { reason: String(formData.get('reason') ?? ''), confirm: String(formData.get('confirm') ?? '') };
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join(' '), values };
  const { id, action, reason: why } = parsed.data;
  try {
    if (action === 'bounce') await mta.bounceMessage(id, why, staff.email);
    else await mta.deleteMessage(id, staff.email);
  } catch (error) {
    return { ...failure(error), values };
  }
  await audit(staff, action === 'bounce' ? 'mail.bounce' : 'mail.delete', { type: 'queue', id }, action === 'bounce' ? { reason: why } : {}, await clientIp());
  revalidatePath('/admin/mail');
  return { ok: id };
}

export async function flushAction(_: MailState): Promise<MailState> {
  const staff = await authorizeAction('admin');
  try {
    const { flushed } = await mta.flush(staff.email);
    await audit(staff, 'mail.flush', { type: 'queue' }, { flushed }, await clientIp());
    return { ok: String(flushed) };
  } catch (error) {
    return failure(error);
  }
}
