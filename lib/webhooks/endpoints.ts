import 'server-only';
import { db } from '../db';

/** Confirmed endpoints that follow at least one of the components. */
export async function endpointsFor(componentIds: string[]) {
  return db.webhookEndpoint.findMany({
    where: { status: 'active', OR: [{ allComponents: true }, { components: { some: { componentId: { in: componentIds } } } }] },
    select: { id: true, lang: true, format: true },
  });
}

/**
 * A chat channel whose platform says the webhook is gone (deleted, archived, token revoked): it
 * stops receiving, like a removed endpoint (deliver.ts fails whatever is queued for it).
 */
export async function disableEndpoint(id: string): Promise<void> {
  await db.webhookEndpoint.updateMany({ where: { id, status: { not: 'disabled' } }, data: { status: 'disabled' } });
}
