'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { ApiKeyName, ApiKeyRoleSchema, createApiKey, revokeApiKey, UnknownComponentsError } from '@/lib/api-keys/store';
import { audit } from '@/lib/audit/log';
import { adminLang } from '@/lib/auth/admin-lang';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { apiKeyText } from '@/lib/i18n/admin-api-keys';

export interface CreateKeyState {
  /** The new key, in this one answer only: it is not stored anywhere. */
  key?: string;
  prefix?: string;
  error?: string;
}

const CreateSchema = z.object({ name: ApiKeyName, role: ApiKeyRoleSchema, components: z.array(z.string().min(1).max(40)).max(500) });

export async function createApiKeyAction(_: CreateKeyState, formData: FormData): Promise<CreateKeyState> {
  const staff = await authorizeAction('admin');
  const t = apiKeyText(await adminLang());
  const parsed = CreateSchema.safeParse({ name: formData.get('name'), role: formData.get('role'), components: formData.getAll('components').map(String) });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.code === 'too_small' ? t.required : i.message}`).join(' ') };
  try {
    const created = await createApiKey({ ...parsed.data, createdBy: { id: staff.id, email: staff.email } });
    await audit(staff, 'api_key.create', { type: 'api_key', id: created.id }, { name: parsed.data.name, prefix: created.prefix, role: created.role, components: created.componentSlugs }, await clientIp());
    revalidatePath('/admin/api-keys');
    return { key: created.key, prefix: created.prefix };
  } catch (error) {
    if (error instanceof UnknownComponentsError) return { error: `${t.unknownComponents}: ${error.refs.join(', ')}` };
    throw error;
  }
}

export async function revokeApiKeyAction(formData: FormData) {
  const staff = await authorizeAction('admin');
  const parsed = z.object({ keyId: z.string().min(1).max(40) }).safeParse(Object.fromEntries(formData));
  if (!parsed.success) return;
  const revoked = await revokeApiKey(parsed.data.keyId);
  if (!revoked) return;
  await audit(staff, 'api_key.revoke', { type: 'api_key', id: revoked.id }, { name: revoked.name, prefix: revoked.prefix }, await clientIp());
  revalidatePath('/admin/api-keys');
}
