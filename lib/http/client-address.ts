import 'server-only';
import { headers } from 'next/headers';
import { env } from '../env';
import { forwardedOrigin, inRanges, originOf, parseAddress, parseAddressRanges, resolveClientAddress } from './forwarded';

// The request's client address and the origins its forms may come from, for rate limits, the audit
// log and the CSRF check. See lib/http/forwarded.ts for the rules, scripts/site-server.mjs for
// where the connection's address comes from.

/** Written by scripts/site-server.mjs on every request, over anything a client sent. */
export const PEER_HEADER = 'x-tayori-peer';
const SITE_SERVER = Symbol.for('tayori.site-server');

const trustedProxies = parseAddressRanges(env.TRUSTED_PROXIES);
let warned = false;

/** The connection's address, or null when the site does not run behind scripts/site-server.mjs. */
function peerAddress(h: Headers): string | null {
  if ((globalThis as Record<symbol, unknown>)[SITE_SERVER] !== true) {
    // `next dev`, or `next start` on its own: the header could be anyone's, so nobody is known.
    if (!warned) console.warn('tayori: client addresses are unknown (not started by scripts/site-server.mjs): rate limits count every client as one');
    warned = true;
    return null;
  }
  return parseAddress(h.get(PEER_HEADER) ?? '');
}

function fromTrustedProxy(h: Headers): boolean {
  const peer = peerAddress(h);
  return peer !== null && inRanges(peer, trustedProxies);
}

/** The client's address (or "unknown"): the connection's, or what a trusted proxy says it is. */
export async function clientIp(): Promise<string> {
  const h = await headers();
  return resolveClientAddress({ peer: peerAddress(h), forwardedFor: h.get('x-forwarded-for'), realIp: h.get('x-real-ip') }, trustedProxies);
}

/**
 * Origins a form of this site may be posted from: SITE_URL's, and, through a trusted proxy, the one
 * the proxy says the browser used (X-Forwarded-Proto and X-Forwarded-Host), for a site reached
 * under more than one name. Scheme, host and port all count.
 */
export async function siteOrigins(): Promise<string[]> {
  const h = await headers();
  const origins = [originOf(env.SITE_URL)!];
  if (fromTrustedProxy(h)) {
    const proxied = forwardedOrigin(h.get('x-forwarded-proto'), h.get('x-forwarded-host'), h.get('host'));
    if (proxied && !origins.includes(proxied)) origins.push(proxied);
  }
  return origins;
}
