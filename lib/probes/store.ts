import 'server-only';
import { db } from '../db';
import { parseProbeSettings, type ProbeKind, type ProbeSettings, type ValidProbe } from './schema';
import type { ProbeOutcome, ProbeSpec } from './types';

// Probes and their results in the database: what the worker runs and records, what the console
// lists and edits. A probe's password stays in its settings and leaves this module only for the
// worker's run (probesToRun); the console's DTOs never carry it.

export interface RunnableProbe extends ProbeSpec {
  id: string;
  intervalS: number;
}

function locationsOf(text: string): string[] {
  return text.split(',').map((l) => l.trim()).filter(Boolean);
}

function safeJson(text: string | null): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Enabled probes this location runs: those with no locations, or naming it. */
export async function probesToRun(location: string): Promise<RunnableProbe[]> {
  const rows = await db.probe.findMany({ where: { enabled: true, component: { archivedAt: null } }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] });
  return rows
    .filter((p) => {
      const locations = locationsOf(p.locations);
      return locations.length === 0 || locations.includes(location);
    })
    .map((p) => ({ id: p.id, kind: p.kind as ProbeKind, target: p.target, settings: parseProbeSettings(p.kind as ProbeKind, safeJson(p.settings)), timeoutS: p.timeoutS, intervalS: p.intervalS }));
}

/** A slot's result row id: one per probe, location and interval, whichever worker got there first. */
export function resultId(probeId: string, location: string, slot: number): string {
  return `${probeId}.${location}.${slot}`;
}

/** Whether this slot was already run at this location (by another worker on the same database). */
export async function slotTaken(probeId: string, location: string, slot: number): Promise<boolean> {
  return (await db.probeResult.count({ where: { id: resultId(probeId, location, slot) } })) > 0;
}

/** Stores a run; false when another worker at this location stored this slot first. */
export async function recordResult(probeId: string, location: string, slot: number, at: Date, outcome: ProbeOutcome): Promise<boolean> {
  try {
    await db.probeResult.create({
      data: {
        id: resultId(probeId, location, slot),
        probeId,
        location,
        at,
        ok: outcome.ok,
        latencyMs: outcome.latencyMs,
        error: outcome.error?.slice(0, 500) ?? null,
        detail: outcome.detail ? JSON.stringify(outcome.detail).slice(0, 2000) : null,
      },
    });
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // P2002: the slot is taken; P2003: the probe was deleted while it ran.
    if (code === 'P2002' || code === 'P2003') return false;
    throw error;
  }
}

export async function pruneProbeResults(before: Date): Promise<number> {
  return (await db.probeResult.deleteMany({ where: { at: { lt: before } } })).count;
}

// ---- console ----

/** A probe as the console shows and edits it: settings without the password. */
export interface ProbeDto {
  id: string;
  componentId: string;
  componentSlug: string;
  componentName: { ja: string; en: string };
  name: string;
  kind: ProbeKind;
  target: string;
  settings: Omit<ProbeSettings, 'password'> & { hasPassword?: boolean };
  intervalS: number;
  timeoutS: number;
  locations: string[];
  failureStatus: string;
  degradedAboveMs: number | null;
  enabled: boolean;
  latest: { at: string; ok: boolean; latencyMs: number | null; error: string | null; location: string; detail: Record<string, unknown> | null } | null;
  /** Share of successful runs in the last 24 h (0–1); null without runs. */
  uptime24h: number | null;
  runs24h: number;
}

export function withoutPassword(settings: ProbeSettings): ProbeDto['settings'] {
  if (!('password' in settings)) return settings;
  const { password, ...rest } = settings;
  return { ...rest, hasPassword: Boolean(password) };
}

export async function listProbes(componentId?: string): Promise<ProbeDto[]> {
  const rows = await db.probe.findMany({
    where: componentId ? { componentId } : {},
    include: { component: { select: { slug: true, nameJa: true, nameEn: true, position: true } } },
    orderBy: [{ component: { position: 'asc' } }, { position: 'asc' }, { createdAt: 'asc' }],
  });
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const since = new Date(Date.now() - 86_400_000);
  const [counts, latest] = await Promise.all([
    db.probeResult.groupBy({ by: ['probeId', 'ok'], where: { probeId: { in: ids }, at: { gte: since } }, _count: { _all: true } }),
    Promise.all(ids.map((id) => db.probeResult.findFirst({ where: { probeId: id }, orderBy: { at: 'desc' } }))),
  ]);
  return rows.map((r, i) => {
    const mine = counts.filter((c) => c.probeId === r.id);
    const runs = mine.reduce((n, c) => n + c._count._all, 0);
    const good = mine.filter((c) => c.ok).reduce((n, c) => n + c._count._all, 0);
    const last = latest[i];
    return {
      id: r.id,
      componentId: r.componentId,
      componentSlug: r.component.slug,
      componentName: { ja: r.component.nameJa, en: r.component.nameEn },
      name: r.name,
      kind: r.kind as ProbeKind,
      target: r.target,
      settings: withoutPassword(parseProbeSettings(r.kind as ProbeKind, safeJson(r.settings))),
      intervalS: r.intervalS,
      timeoutS: r.timeoutS,
      locations: locationsOf(r.locations),
      failureStatus: r.failureStatus,
      degradedAboveMs: r.degradedAboveMs,
      enabled: r.enabled,
      latest: last ? { at: last.at.toISOString(), ok: last.ok, latencyMs: last.latencyMs, error: last.error, location: last.location, detail: last.detail ? (safeJson(last.detail) as Record<string, unknown>) : null } : null,
      uptime24h: runs ? good / runs : null,
      runs24h: runs,
    };
  });
}

export async function getProbe(id: string): Promise<ProbeDto | null> {
  const row = await db.probe.findUnique({ where: { id }, select: { componentId: true } });
  if (!row) return null;
  return (await listProbes(row.componentId)).find((p) => p.id === id) ?? null;
}

/** The stored password of a probe, for an edit that leaves the password field empty. */
export async function storedPassword(id: string): Promise<string> {
  const row = await db.probe.findUnique({ where: { id }, select: { settings: true } });
  const settings = safeJson(row?.settings ?? null) as { password?: unknown };
  return typeof settings.password === 'string' ? settings.password : '';
}

function columns(probe: ValidProbe) {
  return {
    componentId: probe.componentId,
    name: probe.name,
    kind: probe.kind,
    target: probe.target.trim(),
    settings: JSON.stringify(probe.settings),
    intervalS: probe.intervalS,
    timeoutS: probe.timeoutS,
    locations: probe.locations.join(','),
    failureStatus: probe.failureStatus,
    degradedAboveMs: probe.degradedAboveMs,
    enabled: probe.enabled,
  };
}

export async function createProbe(probe: ValidProbe): Promise<string> {
  const last = await db.probe.findFirst({ where: { componentId: probe.componentId }, orderBy: { position: 'desc' }, select: { position: true } });
  const row = await db.probe.create({ data: { ...columns(probe), position: (last?.position ?? -1) + 1 } });
  return row.id;
}

export async function updateProbe(id: string, probe: ValidProbe): Promise<boolean> {
  return (await db.probe.updateMany({ where: { id }, data: columns(probe) })).count === 1;
}

export async function setProbeEnabled(id: string, enabled: boolean): Promise<boolean> {
  return (await db.probe.updateMany({ where: { id }, data: { enabled } })).count === 1;
}

export async function deleteProbe(id: string): Promise<boolean> {
  return (await db.probe.deleteMany({ where: { id } })).count === 1;
}
