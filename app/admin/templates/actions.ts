'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { adminLang } from '@/lib/auth/admin-lang';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { templateText } from '@/lib/i18n/admin-templates';
import { createTemplate, deleteTemplate, TemplateInput, updateTemplate } from '@/lib/incidents/templates';

export interface TemplateFormState {
  ok?: string;
  error?: string;
  fields?: Record<string, string>;
  values?: Record<string, string>;
}

function submitted(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string' && !key.startsWith('$ACTION')) values[key] = value;
  return values;
}

async function parseTemplate(formData: FormData): Promise<{ ok: true; input: TemplateInput } | { ok: false; state: TemplateFormState }> {
  const parsed = TemplateInput.safeParse({ status: '', impact: '', titleJa: '', titleEn: '', ...Object.fromEntries(formData) });
  if (parsed.success) return { ok: true, input: parsed.data };
  const t = templateText(await adminLang());
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.code === 'too_big' ? t.tooLong : t.required;
  return { ok: false, state: { fields, values: submitted(formData) } };
}

export async function createTemplateAction(_: TemplateFormState, formData: FormData): Promise<TemplateFormState> {
  const staff = await authorizeAction('editor');
  const parsed = await parseTemplate(formData);
  if (!parsed.ok) return parsed.state;
  await createTemplate(parsed.input, staff, await clientIp());
  redirect('/admin/templates');
}

const Id = z.string().min(1).max(40);

export async function updateTemplateAction(_: TemplateFormState, formData: FormData): Promise<TemplateFormState> {
  const staff = await authorizeAction('editor');
  const id = Id.safeParse(formData.get('id'));
  const t = templateText(await adminLang());
  if (!id.success) return { error: t.notFound };
  const parsed = await parseTemplate(formData);
  if (!parsed.ok) return parsed.state;
  const saved = await updateTemplate(id.data, parsed.input, staff, await clientIp());
  return saved ? { ok: t.saved, values: submitted(formData) } : { error: t.notFound };
}

export async function deleteTemplateAction(formData: FormData): Promise<void> {
  const staff = await authorizeAction('editor');
  const id = Id.safeParse(formData.get('id'));
  if (id.success) await deleteTemplate(id.data, staff, await clientIp());
  redirect('/admin/templates');
}
