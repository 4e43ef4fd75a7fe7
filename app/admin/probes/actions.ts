'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { adminLang } from '@/lib/auth/admin-lang';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { probeText } from '@/lib/i18n/admin-probes';
import { probeProblemText } from '@/lib/probes/problem-text';
import type { Lang } from '@/lib/i18n/locales';
import { createProbeAudited, deleteProbeAudited, setProbeEnabledAudited, testProbeAudited, updateProbeAudited } from '@/lib/probes/admin';
import { probeFormInput } from '@/lib/probes/form';
import type { ProbeIssue } from '@/lib/probes/schema';
import type { ProbeOutcome } from '@/lib/probes/types';

export interface ProbeFormState {
  ok?: string;
  error?: string;
  /** Field name (as in the form) → the problem in the console's language. */
  fields?: Record<string, string>;
  /** What was submitted, to show again; never the password. */
  values?: Record<string, string>;
  test?: ProbeOutcome;
}

function submitted(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string' && !key.startsWith('$ACTION')) values[key] = value;
  return values;
}

const shown = (values: Record<string, string>) => ({ ...values, password: '' });

function problems(issues: ProbeIssue[], lang: Lang, values: Record<string, string>): ProbeFormState {
  const fields: Record<string, string> = {};
  // settings.keyword → keyword: the form's fields are flat.
  for (const issue of issues) fields[issue.field.replace(/^settings\./, '')] ??= probeProblemText(issue.problem, lang);
  return { error: probeText(lang).fixErrors, fields, values: shown(values) };
}

const Id = z.string().min(1).max(40);

export async function createProbeAction(_: ProbeFormState, formData: FormData): Promise<ProbeFormState> {
  const staff = await authorizeAction('editor');
  const lang = await adminLang();
  const values = submitted(formData);
  const result = await createProbeAudited(probeFormInput(values), staff, await clientIp());
  if (!result.ok) return 'issues' in result ? problems(result.issues, lang, values) : { error: probeText(lang).notFound };
  revalidatePath('/admin/probes');
  redirect(`/admin/probes?saved=1&component=${encodeURIComponent(values.componentSlug ?? '')}`);
}

export async function updateProbeAction(_: ProbeFormState, formData: FormData): Promise<ProbeFormState> {
  const staff = await authorizeAction('editor');
  const lang = await adminLang();
  const values = submitted(formData);
  const id = Id.safeParse(values.id);
  if (!id.success) return { error: probeText(lang).notFound };
  const result = await updateProbeAudited(id.data, probeFormInput(values), staff, await clientIp());
  if (!result.ok) return 'issues' in result ? problems(result.issues, lang, values) : { error: probeText(lang).notFound };
  return { ok: probeText(lang).saved, values: shown(values) };
}

/** Runs the form's probe once from the site's process; nothing is stored but the audit entry. */
export async function testProbeAction(_: ProbeFormState, formData: FormData): Promise<ProbeFormState> {
  const staff = await authorizeAction('editor');
  const lang = await adminLang();
  const values = submitted(formData);
  const id = values.id ? Id.safeParse(values.id) : null;
  const result = await testProbeAudited(probeFormInput(values), staff, await clientIp(), id?.success ? id.data : undefined);
  if (!result.ok) return problems(result.issues, lang, values);
  return { test: result.outcome, values: shown(values) };
}

/** The form's one action: its "test now" button sends intent=test, its save button the rest. */
export async function probeFormAction(previous: ProbeFormState, formData: FormData): Promise<ProbeFormState> {
  // Who asks comes first: a post without a session is a 401 whatever its body (each action checks again).
  await authorizeAction('editor');
  if (formData.get('intent') === 'test') return testProbeAction(previous, formData);
  return formData.get('id') ? updateProbeAction(previous, formData) : createProbeAction(previous, formData);
}

export async function toggleProbeAction(formData: FormData): Promise<void> {
  const staff = await authorizeAction('editor');
  const id = Id.safeParse(formData.get('id'));
  if (id.success) await setProbeEnabledAudited(id.data, formData.get('enabled') === 'true', staff, await clientIp());
  revalidatePath('/admin/probes');
  redirect(id.success ? `/admin/probes/${id.data}?saved=1` : '/admin/probes');
}

export async function deleteProbeAction(formData: FormData): Promise<void> {
  const staff = await authorizeAction('editor');
  const id = Id.safeParse(formData.get('id'));
  if (id.success) await deleteProbeAudited(id.data, staff, await clientIp());
  revalidatePath('/admin/probes');
  redirect('/admin/probes?deleted=1');
}
