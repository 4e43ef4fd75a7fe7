import 'server-only';
import { db } from '../db';

export interface AuditActor {
  id: string | null;
  email: string;
}

/** Appends to the audit log. Details must never hold secrets (passwords, tokens). */
export async function audit(actor: AuditActor, action: string, target: { type?: string; id?: string } = {}, details: Record<string, unknown> = {}, ip?: string) {
  await db.auditLog.create({
    data: { actorId: actor.id, actorEmail: actor.email, action, targetType: target.type ?? null, targetId: target.id ?? null, details: JSON.stringify(details), ip: ip ?? null },
  });
}

export interface AuditEntryDto {
  id: string;
  at: string;
  actorEmail: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: string;
  ip: string | null;
}

export async function listAudit(limit = 200, before?: Date): Promise<AuditEntryDto[]> {
  const rows = await db.auditLog.findMany({ where: before ? { at: { lt: before } } : {}, orderBy: { at: 'desc' }, take: limit });
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}

/** Entries with one of `actions` between two moments, oldest first. */
export async function listAuditBetween(from: Date, to: Date, actions: string[]): Promise<AuditEntryDto[]> {
  const rows = await db.auditLog.findMany({ where: { at: { gte: from, lte: to }, action: { in: actions } }, orderBy: { at: 'asc' }, take: 1000 });
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
