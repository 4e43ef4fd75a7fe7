import 'server-only';
import { z } from 'zod';
import { db } from '../db';
import { API_KEY_ROLES, generateApiKey, type ApiKeyRole } from './key';

// Creating, listing and revoking keys: the console page and `npm run apikey` both call these.

export const ApiKeyName = z.string().trim().min(1).max(100);
export const ApiKeyRoleSchema = z.enum(API_KEY_ROLES);

export class UnknownComponentsError extends Error {
  constructor(readonly refs: string[]) {
    super(`unknown components: ${refs.join(', ')}`);
  }
}

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  /** Component ids or slugs; empty = every component. */
  components: string[];
  createdBy: { id: string | null; email: string };
}

export interface CreatedApiKey {
  id: string;
  /** Shown once, never stored. */
  key: string;
  prefix: string;
  role: ApiKeyRole;
  componentSlugs: string[];
}

export async function createApiKey(input: NewApiKey): Promise<CreatedApiKey> {
  const refs = [...new Set(input.components.map((c) => c.trim()).filter(Boolean))];
  const components = refs.length ? await db.component.findMany({ where: { OR: [{ id: { in: refs } }, { slug: { in: refs } }] }, select: { id: true, slug: true } }) : [];
  const missing = refs.filter((r) => !components.some((c) => c.id === r || c.slug === r));
  if (missing.length) throw new UnknownComponentsError(missing);
  const generated = generateApiKey();
  const row = await db.apiKey.create({
    data: {
      name: input.name,
      prefix: generated.prefix,
      keyHash: generated.keyHash,
      role: input.role,
      scoped: components.length > 0,
      createdById: input.createdBy.id,
      createdByEmail: input.createdBy.email,
      components: { create: components.map((c) => ({ componentId: c.id })) },
    },
  });
  return { id: row.id, key: generated.key, prefix: row.prefix, role: input.role, componentSlugs: components.map((c) => c.slug) };
}

export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  /** Slugs of the components it may touch; null = every component. */
  componentSlugs: string[] | null;
  createdByEmail: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listApiKeys(): Promise<ApiKeyDto[]> {
  const rows = await db.apiKey.findMany({ orderBy: { createdAt: 'desc' }, include: { components: { include: { component: { select: { slug: true } } } } } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: r.role === 'admin' ? 'admin' : 'editor',
    componentSlugs: r.scoped ? r.components.map((c) => c.component.slug).sort() : null,
    createdByEmail: r.createdByEmail,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes the key with this id or shown prefix; null when none matches, or the prefix is ambiguous. */
export async function revokeApiKey(idOrPrefix: string): Promise<{ id: string; name: string; prefix: string } | null> {
  const matches = await db.apiKey.findMany({ where: { OR: [{ id: idOrPrefix }, { prefix: idOrPrefix }] }, select: { id: true, name: true, prefix: true, revokedAt: true } });
  if (matches.length !== 1) return null;
  const [key] = matches;
  if (!key.revokedAt) await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
  return { id: key.id, name: key.name, prefix: key.prefix };
}
