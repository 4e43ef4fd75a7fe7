import { NextResponse } from 'next/server';
import { env } from '@/lib/env';

// Strict-Transport-Security, when the site is served over https. It depends on SITE_URL as the
// server starts, while next.config.js headers are fixed when the site is built, so it is added
// here. Nothing else happens: no database, no change to the request, so prerendered pages stay
// prerendered. A year, subdomains of the status host included; not preloaded, which is a decision
// for the domain's owner.
const HSTS = new URL(env.SITE_URL).protocol === 'https:' ? 'max-age=31536000; includeSubDomains' : null;

export function proxy() {
  const response = NextResponse.next();
  if (HSTS) response.headers.set('Strict-Transport-Security', HSTS);
  return response;
}

export const config = {
  // Pages, feeds, the badge and the widget. Not /api: ingest batches up to 1 MiB would be buffered
  // for the proxy first, and browsers learn HSTS from any page. Not the build's static files.
  matcher: ['/((?!api/|_next/static/|_next/image).*)'],
};
