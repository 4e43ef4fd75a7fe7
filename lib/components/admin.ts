import 'server-only';
import { z } from 'zod';
import { audit, type AuditActor } from '../audit/log';
import { db } from '../db';

// Staff manage components and their groups in the console. Reports, feeds, subscriptions and API
// keys refer to a component by slug, so a slug is chosen once, at creation, and never changes. A
// component with any history is archived, never deleted: old incidents and reports keep naming it.
// Every write is audited with the values before and after.

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

const slug = z.string().trim().regex(SLUG_PATTERN, '半角英小文字・数字・ハイフンで入力してください / Use lower-case letters, digits and hyphens');
const name = z.string().trim().min(1, '入力してください / Required').max(100);
const description = z.string().trim().max(500).default('');

export const groupFieldsSchema = z.object({ nameJa: name, nameEn: name });
export const newGroupSchema = groupFieldsSchema.extend({ slug });

export const componentFieldsSchema = z.object({
  nameJa: name,
  nameEn: name,
  descriptionJa: description,
  descriptionEn: description,
  groupId: z.string().min(1, 'グループを選んでください / Choose a group'),
  onlyShowIfDegraded: z.boolean().default(false),
});
export const newComponentSchema = componentFieldsSchema.extend({ slug });

export type GroupFields = z.infer<typeof groupFieldsSchema>;
export type NewGroup = z.infer<typeof newGroupSchema>;
export type ComponentFields = z.infer<typeof componentFieldsSchema>;
export type NewComponent = z.infer<typeof newComponentSchema>;
export type Direction = 'up' | 'down';

export type ComponentAdminErrorCode = 'not_found' | 'slug_taken' | 'group_not_empty' | 'has_history';

/** A rule the console reports to staff by its code (lib/i18n/admin-components.ts words it). */
export class ComponentAdminError extends Error {
  constructor(
    readonly code: ComponentAdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Who made the change, and from where, for the audit log. */
export type Actor = AuditActor & { ip?: string };

export interface AdminComponentDto {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  descriptionEn: string;
  status: string;
  groupId: string | null;
  position: number;
  onlyShowIfDegraded: boolean;
  archivedAt: string | null;
  /** Referred to by an incident, a maintenance, an alert or a status change of its own: never deleted. */
  hasHistory: boolean;
}

export interface AdminGroupDto {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
  position: number;
  components: AdminComponentDto[];
}

const COMPONENT_FIELDS = {
  id: true,
  slug: true,
  nameJa: true,
  nameEn: true,
  descriptionJa: true,
  descriptionEn: true,
  status: true,
  groupId: true,
  position: true,
  onlyShowIfDegraded: true,
  archivedAt: true,
} as const;

type ComponentRow = { id: string; slug: string; nameJa: string; nameEn: string; descriptionJa: string; descriptionEn: string; status: string; groupId: string | null; position: number; onlyShowIfDegraded: boolean; archivedAt: Date | null };

/** What the audit log keeps of a component: its editable values, never anything secret. */
function snapshot(c: ComponentRow) {
  return {
    slug: c.slug,
    nameJa: c.nameJa,
    nameEn: c.nameEn,
    descriptionJa: c.descriptionJa,
    descriptionEn: c.descriptionEn,
    groupId: c.groupId,
    position: c.position,
    onlyShowIfDegraded: c.onlyShowIfDegraded,
    archivedAt: c.archivedAt?.toISOString() ?? null,
  };
}

/** Only what changed, as { field: [before, after] }, so the audit entry reads at a glance. */
function changes(before: Record<string, unknown>, after: Record<string, unknown>) {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(after)) if (before[key] !== after[key]) out[key] = [before[key], after[key]];
  return out;
}

/**
 * Whether anything refers to the component beyond its own creation: incidents, their updates'
 * transitions, maintenances, alerts, probe results, or a status change after the first one (the
 * seed and the console each record the initial "operational").
 */
export async function hasHistory(componentId: string): Promise<boolean> {
  const [incidents, transitions, maintenances, alerts, statusChanges, probeResults] = await Promise.all([
    db.incidentComponent.count({ where: { componentId } }),
    db.incidentUpdateComponent.count({ where: { componentId } }),
    db.maintenanceComponent.count({ where: { componentId } }),
    db.componentAlert.count({ where: { componentId } }),
    db.componentStatusChange.count({ where: { componentId } }),
    db.probeResult.count({ where: { probe: { componentId } } }),
  ]);
  return incidents + transitions + maintenances + alerts + probeResults > 0 || statusChanges > 1;
}

/** Every group with its components (archived ones too), in display order, for the console. */
export async function listForAdmin(): Promise<{ groups: AdminGroupDto[]; ungrouped: AdminComponentDto[] }> {
  const [groups, components] = await Promise.all([
    db.componentGroup.findMany({ orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] }),
    db.component.findMany({ orderBy: [{ position: 'asc' }, { createdAt: 'asc' }], select: COMPONENT_FIELDS }),
  ]);
  const withHistory = new Set<string>();
  await Promise.all(components.map(async (c) => (await hasHistory(c.id)) && withHistory.add(c.id)));
  const dto = (c: ComponentRow): AdminComponentDto => ({ ...c, archivedAt: c.archivedAt?.toISOString() ?? null, hasHistory: withHistory.has(c.id) });
  return {
    groups: groups.map((g) => ({ id: g.id, slug: g.slug, nameJa: g.nameJa, nameEn: g.nameEn, position: g.position, components: components.filter((c) => c.groupId === g.id).map(dto) })),
    ungrouped: components.filter((c) => !c.groupId).map(dto),
  };
}

async function nextPosition(kind: 'group' | 'component', groupId?: string) {
  const last =
    kind === 'group'
      ? await db.componentGroup.aggregate({ _max: { position: true } })
      : await db.component.aggregate({ where: { groupId }, _max: { position: true } });
  return (last._max.position ?? -1) + 1;
}

async function requireGroup(id: string) {
  const group = await db.componentGroup.findUnique({ where: { id } });
  if (!group) throw new ComponentAdminError('not_found', 'グループが見つかりません / No such group');
  return group;
}

async function requireComponent(id: string) {
  const component = await db.component.findUnique({ where: { id }, select: COMPONENT_FIELDS });
  if (!component) throw new ComponentAdminError('not_found', 'サービスが見つかりません / No such component');
  return component;
}

export async function createGroup(actor: Actor, input: NewGroup) {
  const fields = newGroupSchema.parse(input);
  if (await db.componentGroup.findUnique({ where: { slug: fields.slug } })) throw new ComponentAdminError('slug_taken', 'このスラッグは使われています / This slug is taken');
  const group = await db.componentGroup.create({ data: { ...fields, position: await nextPosition('group') } });
  await audit(actor, 'component_group.create', { type: 'component_group', id: group.id }, { after: { slug: group.slug, nameJa: group.nameJa, nameEn: group.nameEn, position: group.position } }, actor.ip);
  return group;
}

export async function renameGroup(actor: Actor, id: string, input: GroupFields) {
  const fields = groupFieldsSchema.parse(input);
  const before = await requireGroup(id);
  const after = await db.componentGroup.update({ where: { id }, data: fields });
  await audit(actor, 'component_group.update', { type: 'component_group', id }, { slug: before.slug, changes: changes({ nameJa: before.nameJa, nameEn: before.nameEn }, { nameJa: after.nameJa, nameEn: after.nameEn }) }, actor.ip);
  return after;
}

/** Deletes a group with no components in it (move or archive them first). */
export async function deleteGroup(actor: Actor, id: string) {
  const before = await requireGroup(id);
  if (await db.component.count({ where: { groupId: id } })) throw new ComponentAdminError('group_not_empty', 'サービスが残っているグループは削除できません / Move its components out first');
  await db.componentGroup.delete({ where: { id } });
  await audit(actor, 'component_group.delete', { type: 'component_group', id }, { before: { slug: before.slug, nameJa: before.nameJa, nameEn: before.nameEn } }, actor.ip);
}

/**
 * The new order after swapping an item with its neighbour, or null at either end. Positions are
 * renumbered 0..n-1, so rows seeded with equal positions still move one step per click.
 */
function swapped(ordered: { id: string }[], id: string, direction: Direction) {
  const index = ordered.findIndex((x) => x.id === id);
  const target = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || target < 0 || target >= ordered.length) return null;
  const order = ordered.map((x) => x.id);
  [order[index], order[target]] = [order[target], order[index]];
  return { order, from: index, to: target };
}

export async function moveGroup(actor: Actor, id: string, direction: Direction) {
  const group = await requireGroup(id);
  const ordered = await db.componentGroup.findMany({ orderBy: [{ position: 'asc' }, { createdAt: 'asc' }], select: { id: true } });
  const moved = swapped(ordered, id, direction);
  if (moved) await db.$transaction(moved.order.map((itemId, position) => db.componentGroup.update({ where: { id: itemId }, data: { position } })));
  if (moved) await audit(actor, 'component_group.reorder', { type: 'component_group', id }, { slug: group.slug, position: [moved.from, moved.to] }, actor.ip);
  return moved;
}

export async function createComponent(actor: Actor, input: NewComponent) {
  const { slug: newSlug, ...fields } = newComponentSchema.parse(input);
  await requireGroup(fields.groupId);
  if (await db.component.findUnique({ where: { slug: newSlug } })) throw new ComponentAdminError('slug_taken', 'このスラッグは使われています / This slug is taken');
  const component = await db.component.create({
    // The first "operational" starts its uptime record, as the seed's does.
    data: { slug: newSlug, ...fields, position: await nextPosition('component', fields.groupId), statusChanges: { create: { oldStatus: null, newStatus: 'operational', cause: 'staff' } } },
    select: COMPONENT_FIELDS,
  });
  await audit(actor, 'component.create', { type: 'component', id: component.id }, { after: snapshot(component) }, actor.ip);
  return component;
}

/** Names, descriptions, group and "only show if degraded"; the slug stays as it was created. */
export async function updateComponent(actor: Actor, id: string, input: ComponentFields) {
  const fields = componentFieldsSchema.parse(input);
  const before = await requireComponent(id);
  if (fields.groupId !== before.groupId) await requireGroup(fields.groupId);
  const position = fields.groupId === before.groupId ? before.position : await nextPosition('component', fields.groupId);
  const after = await db.component.update({ where: { id }, data: { ...fields, position }, select: COMPONENT_FIELDS });
  await audit(actor, 'component.update', { type: 'component', id }, { slug: before.slug, changes: changes(snapshot(before), snapshot(after)) }, actor.ip);
  return after;
}

export async function moveComponent(actor: Actor, id: string, direction: Direction) {
  const component = await requireComponent(id);
  const ordered = await db.component.findMany({ where: { groupId: component.groupId }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }], select: { id: true } });
  const moved = swapped(ordered, id, direction);
  if (moved) await db.$transaction(moved.order.map((itemId, position) => db.component.update({ where: { id: itemId }, data: { position } })));
  if (moved) await audit(actor, 'component.reorder', { type: 'component', id }, { slug: component.slug, position: [moved.from, moved.to] }, actor.ip);
  return moved;
}

export async function setArchived(actor: Actor, id: string, archived: boolean) {
  const before = await requireComponent(id);
  if (Boolean(before.archivedAt) === archived) return before;
  const after = await db.component.update({ where: { id }, data: { archivedAt: archived ? new Date() : null }, select: COMPONENT_FIELDS });
  await audit(actor, archived ? 'component.archive' : 'component.unarchive', { type: 'component', id }, { slug: before.slug, changes: changes(snapshot(before), snapshot(after)) }, actor.ip);
  return after;
}

/** Only a component nothing refers to: anything with history is archived instead. */
export async function deleteComponent(actor: Actor, id: string) {
  const before = await requireComponent(id);
  if (await hasHistory(id)) throw new ComponentAdminError('has_history', '履歴のあるサービスは削除できません。アーカイブしてください / A component with history cannot be deleted: archive it');
  await db.$transaction([db.componentStatusChange.deleteMany({ where: { componentId: id } }), db.component.delete({ where: { id } })]);
  await audit(actor, 'component.delete', { type: 'component', id }, { before: snapshot(before) }, actor.ip);
}
