import 'server-only';
import { audit, type AuditActor } from '../audit/log';
import { db } from '../db';
import { ensureSignalsRule } from '../rules/signal-rule';
import { runProbe } from './run';
import { validateProbe, type ProbeIssue, type ValidProbe } from './schema';
import { createProbe, deleteProbe, getProbe, setProbeEnabled, storedPassword, updateProbe, withoutPassword } from './store';
import type { ProbeOutcome } from './types';

// The console's writes to probes, each audited. The audit log holds what a probe checks and how,
// never its password (only whether it has one) nor credentials written into a URL.

export interface ComponentChoice {
  id: string;
  slug: string;
  nameJa: string;
  nameEn: string;
}

export async function componentChoices(): Promise<ComponentChoice[]> {
  return db.component.findMany({ where: { archivedAt: null }, orderBy: { position: 'asc' }, select: { id: true, slug: true, nameJa: true, nameEn: true } });
}

/** A URL target's user and password, if any, masked for the audit log. */
function maskTarget(target: string): string {
  try {
    const url = new URL(target);
    if (!url.username && !url.password) return target;
    url.username = url.username ? '***' : '';
    url.password = url.password ? '***' : '';
    return url.href;
  } catch {
    return target;
  }
}

function auditView(probe: ValidProbe) {
  return { ...probe, target: maskTarget(probe.target), settings: withoutPassword(probe.settings) };
}

type Result = { ok: true; id: string } | { ok: false; issues: ProbeIssue[] } | { ok: false; notFound: true };

async function componentExists(id: string): Promise<boolean> {
  return (await db.component.count({ where: { id, archivedAt: null } })) === 1;
}

/** With an id, an edit whose empty password field keeps the stored password. */
async function validated(input: Record<string, unknown>, id?: string) {
  const settings = { ...((input.settings as Record<string, unknown>) ?? {}) };
  if (id && settings.user && !settings.password) settings.password = await storedPassword(id);
  return validateProbe({ ...input, settings });
}

export async function createProbeAudited(input: Record<string, unknown>, actor: AuditActor, ip?: string): Promise<Result> {
  const result = await validated(input);
  if (!result.ok) return result;
  if (!(await componentExists(result.probe.componentId))) return { ok: false, issues: [{ field: 'componentId', problem: 'component' }] };
  const id = await createProbe(result.probe);
  // A component watched only by probes gets a rule that turns their results into its status.
  await ensureSignalsRule(result.probe.componentId);
  await audit(actor, 'probe.create', { type: 'probe', id }, { after: auditView(result.probe) }, ip);
  return { ok: true, id };
}

export async function updateProbeAudited(id: string, input: Record<string, unknown>, actor: AuditActor, ip?: string): Promise<Result> {
  const before = await getProbe(id);
  if (!before) return { ok: false, notFound: true };
  const result = await validated(input, id);
  if (!result.ok) return result;
  if (!(await componentExists(result.probe.componentId))) return { ok: false, issues: [{ field: 'componentId', problem: 'component' }] };
  if (!(await updateProbe(id, result.probe))) return { ok: false, notFound: true };
  await ensureSignalsRule(result.probe.componentId);
  const { latest: _latest, uptime24h: _uptime, runs24h: _runs, ...was } = before;
  await audit(actor, 'probe.update', { type: 'probe', id }, { before: { ...was, target: maskTarget(was.target) }, after: auditView(result.probe) }, ip);
  return { ok: true, id };
}

export async function setProbeEnabledAudited(id: string, enabled: boolean, actor: AuditActor, ip?: string): Promise<boolean> {
  const probe = await getProbe(id);
  if (!probe || !(await setProbeEnabled(id, enabled))) return false;
  await audit(actor, enabled ? 'probe.enable' : 'probe.disable', { type: 'probe', id }, { component: probe.componentSlug, kind: probe.kind, target: maskTarget(probe.target) }, ip);
  return true;
}

export async function deleteProbeAudited(id: string, actor: AuditActor, ip?: string): Promise<boolean> {
  const probe = await getProbe(id);
  if (!probe || !(await deleteProbe(id))) return false;
  await audit(actor, 'probe.delete', { type: 'probe', id }, { component: probe.componentSlug, kind: probe.kind, target: maskTarget(probe.target) }, ip);
  return true;
}

/** "Test now": one run from the site's process, shown and audited but not stored as a result. */
export async function testProbeAudited(input: Record<string, unknown>, actor: AuditActor, ip?: string, id?: string): Promise<{ ok: true; outcome: ProbeOutcome } | { ok: false; issues: ProbeIssue[] }> {
  const result = await validated(input, id);
  if (!result.ok) return result;
  const outcome = await runProbe(result.probe);
  await audit(actor, 'probe.test', { type: 'probe', id }, { kind: result.probe.kind, target: maskTarget(result.probe.target), ok: outcome.ok, error: outcome.error ?? null }, ip);
  return { ok: true, outcome };
}
