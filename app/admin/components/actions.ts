'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { authorizeAction } from '@/lib/auth/guard';
import { clientIp } from '@/lib/auth/session';
import { refreshStatusPages } from '@/lib/cache/refresh';
import {
  ComponentAdminError,
  componentFieldsSchema,
  createComponent,
  createGroup,
  deleteComponent,
  deleteGroup,
  groupFieldsSchema,
  moveComponent,
  moveGroup,
  newComponentSchema,
  newGroupSchema,
  renameGroup,
  setArchived,
  updateComponent,
  type Actor,
} from '@/lib/components/admin';

// Plain form posts (they work without JavaScript): each re-checks the session and the admin role,
// validates, calls lib/components/admin.ts (which audits), refreshes the public pages at once and
// returns to the list with the outcome in the address.

const LIST = '/admin/components';
const id = z.string().min(1).max(40);
const direction = z.enum(['up', 'down']);

async function actor(): Promise<Actor> {
  const staff = await authorizeAction('admin');
  return { id: staff.id, email: staff.email, ip: await clientIp() };
}

function fields(formData: FormData) {
  return {
    ...Object.fromEntries(formData),
    onlyShowIfDegraded: formData.get('onlyShowIfDegraded') === 'on',
  };
}

/** Runs a change, then returns to `back` with ?saved or ?error=<code>. */
async function change(back: string, run: () => Promise<unknown>): Promise<never> {
  let outcome = 'saved=1';
  try {
    await run();
    refreshStatusPages();
  } catch (error) {
    if (error instanceof ComponentAdminError) outcome = `error=${error.code}`;
    else if (error instanceof z.ZodError) outcome = 'error=invalid';
    else throw error;
  }
  redirect(`${back}${back.includes('?') ? '&' : '?'}${outcome}`);
}

export async function createGroupAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => createGroup(who, newGroupSchema.parse(Object.fromEntries(formData))));
}

export async function renameGroupAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => renameGroup(who, id.parse(formData.get('id')), groupFieldsSchema.parse(Object.fromEntries(formData))));
}

export async function moveGroupAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => moveGroup(who, id.parse(formData.get('id')), direction.parse(formData.get('direction'))));
}

export async function deleteGroupAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => deleteGroup(who, id.parse(formData.get('id'))));
}

export async function createComponentAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => createComponent(who, newComponentSchema.parse(fields(formData))));
}

export async function updateComponentAction(formData: FormData) {
  const who = await actor();
  const componentId = id.parse(formData.get('id'));
  await change(LIST, () => updateComponent(who, componentId, componentFieldsSchema.parse(fields(formData))));
}

export async function moveComponentAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => moveComponent(who, id.parse(formData.get('id')), direction.parse(formData.get('direction'))));
}

export async function setArchivedAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => setArchived(who, id.parse(formData.get('id')), formData.get('archived') === 'true'));
}

export async function deleteComponentAction(formData: FormData) {
  const who = await actor();
  await change(LIST, () => deleteComponent(who, id.parse(formData.get('id'))));
}
