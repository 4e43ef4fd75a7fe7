import 'server-only';
import { db } from '../db';

export interface Recipient {
  id: string;
  lang: string;
}

/**
 * Confirmed subscribers who follow at least one of the components: everything, the component
 * itself, or its group (so components added to a group later are covered too).
 */
export async function recipientsFor(componentIds: string[]): Promise<Recipient[]> {
  return db.subscriber.findMany({
    where: {
      status: 'active',
      OR: [
        { allComponents: true },
        { components: { some: { componentId: { in: componentIds } } } },
        { groups: { some: { group: { components: { some: { id: { in: componentIds } } } } } } },
      ],
    },
    select: { id: true, lang: true },
  });
}
