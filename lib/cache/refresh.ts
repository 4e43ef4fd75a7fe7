import 'server-only';
import { revalidateTag } from 'next/cache';
import { TAGS } from '../cache-tags';

/**
 * A component status or an incident changed: expire the cached status pages at once, so the next
 * visitor (one, not every one) regenerates them. Callable from route handlers and server actions.
 */
export function refreshStatusPages() {
  revalidateTag(TAGS.components, { expire: 0 });
  revalidateTag(TAGS.incidents, { expire: 0 });
  revalidateTag(TAGS.metrics, { expire: 0 });
}
