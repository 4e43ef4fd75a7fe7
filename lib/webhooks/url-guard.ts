import { lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

// SSRF guard: webhooks go to the public Internet only. The check runs at registration (a clear
// error for the user) and again inside every connection's DNS lookup, so a name that later
// resolves to 10.0.0.1 or 169.254.169.254 (DNS rebinding) is refused at connect time.

export type UrlError = 'invalid_url' | 'not_http' | 'credentials' | 'too_long' | 'forbidden_address';

export function checkWebhookUrl(raw: string): { ok: true; url: URL } | { ok: false; error: UrlError } {
  if (raw.length > 2000 || /[\r\n]/.test(raw)) return { ok: false, error: raw.length > 2000 ? 'too_long' : 'invalid_url' };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, error: 'invalid_url' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, error: 'not_http' };
  if (url.username || url.password) return { ok: false, error: 'credentials' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && !isPublicAddress(host, false)) return { ok: false, error: 'forbidden_address' };
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return { ok: false, error: 'forbidden_address' };
  }
  return { ok: true, url };
}

/** Only globally routable unicast; loopback only when explicitly allowed (tests). */
export function isPublicAddress(address: string, allowLoopback: boolean): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === 'loopback') return allowLoopback;
  return range === 'unicast';
}

/** A dns.lookup that refuses non-public answers; used as the `lookup` of every webhook request. */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const bad = list.find((a) => !isPublicAddress(a.address, allowLoopback));
      if (bad || list.length === 0) {
        const refused = Object.assign(new Error(`refusing to connect to ${bad?.address ?? hostname}: not a public address`), { code: 'EFORBIDDEN' });
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
