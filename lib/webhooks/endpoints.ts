import 'server-only';
import { db } from '../db';

/** Confirmed endpoints that follow at least one of the components. */
export async function endpointsFor(componentIds: string[]) {
  return db.webhookEndpoint.findMany({
    where: { status: 'active', OR: [{ allComponents: true }, { components: { some: { componentId: { in: componentIds } } } }] },
    select: { id: true, lang: true },
  });
}
