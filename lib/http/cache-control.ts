import 'server-only';
import { env } from '../env';

// Cache-Control values, in one place, for everything the site answers itself (route handlers).
// Pages get theirs from Next.js: `revalidate` and `expireTime` in next.config.js give the same
// s-maxage / stale-while-revalidate pair (see docs/deployment.md, "Caching").

/**
 * Public documents (API, badge, widget, feeds): browsers revalidate every time (with the ETag
 * where there is one), a CDN or proxy keeps them for the revalidate window and may answer with a
 * copy up to two windows older while it fetches a new one. A status change therefore reaches a
 * visitor behind a shared cache within about three windows (90 s by default), usually one.
 */
export function publicCacheControl(): string {
  const s = env.PAGE_REVALIDATE_SECONDS;
  return `public, max-age=0, s-maxage=${s}, stale-while-revalidate=${s * 2}`;
}

/** Anything personal, token-bearing, mutating or an error: no cache anywhere may keep it. */
export const NO_STORE = 'private, no-store';
