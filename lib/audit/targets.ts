import 'server-only';
import { db } from '../db';
import type { Lang } from '../i18n/locales';

// The names of the objects audit entries point at, as they are now, looked up in one query per
// kind for a page of entries. An object since deleted has no name: the entry shows its id.

type Named = { id: string; name: string };
type Loader = (ids: string[], lang: Lang) => Promise<Named[]>;
const byLang = (lang: Lang, ja: string, en: string) => (lang === 'ja' ? ja : en);

const LOADERS: Record<string, Loader> = {
  incident: async (ids, lang) => (await db.incident.findMany({ where: { id: { in: ids } }, select: { id: true, titleJa: true, titleEn: true } })).map((r) => ({ id: r.id, name: byLang(lang, r.titleJa, r.titleEn) })),
  maintenance: async (ids, lang) => (await db.maintenance.findMany({ where: { id: { in: ids } }, select: { id: true, titleJa: true, titleEn: true } })).map((r) => ({ id: r.id, name: byLang(lang, r.titleJa, r.titleEn) })),
  component: async (ids, lang) => (await db.component.findMany({ where: { id: { in: ids } }, select: { id: true, nameJa: true, nameEn: true } })).map((r) => ({ id: r.id, name: byLang(lang, r.nameJa, r.nameEn) })),
  component_group: async (ids, lang) => (await db.componentGroup.findMany({ where: { id: { in: ids } }, select: { id: true, nameJa: true, nameEn: true } })).map((r) => ({ id: r.id, name: byLang(lang, r.nameJa, r.nameEn) })),
  staff: async (ids) => (await db.staffUser.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((r) => ({ id: r.id, name: r.email })),
  template: async (ids) => (await db.incidentTemplate.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => ({ id: r.id, name: r.name })),
  api_key: async (ids) => (await db.apiKey.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, prefix: true } })).map((r) => ({ id: r.id, name: `${r.name} (${r.prefix}…)` })),
  probe: async (ids) => (await db.probe.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, kind: true, target: true } })).map((r) => ({ id: r.id, name: r.name || `${r.kind} ${r.target}` })),
};

/** "type:id" → the object's name now. */
export async function auditTargetNames(entries: { targetType: string | null; targetId: string | null }[], lang: Lang): Promise<Map<string, string>> {
  const idsByType = new Map<string, Set<string>>();
  for (const e of entries) if (e.targetType && e.targetId && LOADERS[e.targetType]) idsByType.set(e.targetType, (idsByType.get(e.targetType) ?? new Set()).add(e.targetId));
  const names = new Map<string, string>();
  await Promise.all(
    [...idsByType].map(async ([type, ids]) => {
      for (const row of await LOADERS[type]!([...ids], lang)) names.set(`${type}:${row.id}`, row.name);
    }),
  );
  return names;
}
