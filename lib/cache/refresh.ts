import 'server-only';
import { revalidateTag } from 'next/cache';
import { TAGS } from '../cache-tags';

/**
 * Set by the site server (scripts/site-server.mjs), which keeps copies of the hottest public URLs
 * in memory (scripts/lib/snapshot.mjs) and fetches them again from the pages expired here. Absent
 * when the site runs some other way (`next dev`).
 */
const STATUS_PAGES_CHANGED = Symbol.for('tayori.status-pages-changed');

/**
 * A component status or an incident changed: expire the cached status pages at once, so the next
 * visitor (one, not every one) regenerates them, and have the site server rebuild its copies.
 * Callable from route handlers and server actions.
 */
export function refreshStatusPages() {
  revalidateTag(TAGS.components, { expire: 0 });
  revalidateTag(TAGS.incidents, { expire: 0 });
  revalidateTag(TAGS.metrics, { expire: 0 });
  const notify = (globalThis as Record<symbol, unknown>)[STATUS_PAGES_CHANGED];
  if (typeof notify === 'function') notify();
}
