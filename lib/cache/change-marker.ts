import 'server-only';
import { db } from '../db';

// Every site instance keeps its own page and data cache, and revalidateTag reaches only the
// instance that calls it. A change made through another instance (or a script) is noticed here, by
// the rule tick that every instance runs, so each instance refreshes its pages within one tick
// instead of waiting for its cached pages and data to age out.

let lastSeen: string | undefined;

/** The latest change to anything the status pages show, as one comparable string. */
async function statusDataVersion(): Promise<string> {
  const [components, incidents, updates, maintenances] = await Promise.all([
    db.component.aggregate({ _max: { updatedAt: true } }),
    db.incident.aggregate({ _max: { updatedAt: true }, _count: true }),
    db.incidentUpdate.aggregate({ _max: { updatedAt: true }, _count: true }),
    db.maintenance.aggregate({ _max: { updatedAt: true }, _count: true }),
  ]);
  return [
    components._max.updatedAt?.getTime(),
    incidents._max.updatedAt?.getTime(),
    incidents._count,
    updates._max.updatedAt?.getTime(),
    updates._count,
    maintenances._max.updatedAt?.getTime(),
    maintenances._count,
  ].join(':');
}

/**
 * True when the status data changed since the previous call in this process. The first call
 * only records where things stand: the pages a process starts with are rendered again within
 * the revalidate window anyway.
 */
export async function statusDataChanged(): Promise<boolean> {
  const version = await statusDataVersion();
  const changed = lastSeen !== undefined && version !== lastSeen;
  lastSeen = version;
  return changed;
}
