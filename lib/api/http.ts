import 'server-only';
import { createHash } from 'node:crypto';
import { NO_STORE, publicCacheControl } from '../http/cache-control';
import { DEFAULT_LANG, isLang, type Lang } from '../i18n/locales';

// HTTP behaviour shared by the public read API and the badge: readable from any origin,
// cacheable by CDNs for as long as the status pages are, and revalidated with a strong ETag.

export const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  // Scripts on other sites may read the ETag to poll with If-None-Match.
  'Access-Control-Expose-Headers': 'ETag',
} as const;

/** A strong validator: the same bytes always give the same tag, on every server. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

export function etagMatches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    // Weak comparison, as RFC 9110 requires for If-None-Match.
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** The body with its validators, or 304 when the client already has these bytes. */
export function cacheableResponse(request: Request, body: string, contentType: string): Response {
  const etag = strongEtag(body);
  const headers = { ...CORS_HEADERS, 'Cache-Control': publicCacheControl(), ETag: etag, Vary: 'Accept-Encoding' };
  if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentType } });
}

export function jsonResponse(request: Request, document: unknown): Response {
  return cacheableResponse(request, JSON.stringify(document), 'application/json; charset=utf-8');
}

export function jsonError(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { ...CORS_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': NO_STORE },
  });
}

/** Answers a CORS preflight: GET (and HEAD) from any origin, with the headers a poller sends. */
export function preflightResponse(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
      'Access-Control-Allow-Headers': 'Accept, Accept-Language, Cache-Control, Content-Type, If-None-Match, If-Modified-Since',
      'Access-Control-Max-Age': '86400',
    },
  });
}

/** `?lang=en` or `?lang=ja`, Japanese when absent; null for anything else. */
export function requestLang(request: Request): Lang | null {
  const value = new URL(request.url).searchParams.get('lang');
  if (value === null || value === '') return DEFAULT_LANG;
  return isLang(value) ? value : null;
}
