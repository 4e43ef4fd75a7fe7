import ipaddr from 'ipaddr.js';

// Who is on the other end of a request, and which origin did they use. A request's forwarded
// headers (X-Forwarded-For, X-Real-IP, X-Forwarded-Proto, X-Forwarded-Host) are anyone's to write,
// so they count only when the connection itself comes from a proxy the operator listed in
// TRUSTED_PROXIES. The connection's address (the peer) comes from scripts/site-server.mjs, which
// alone can see the socket: `next start` fills X-Forwarded-For with it only when the client sent
// none, and keeps the client's own otherwise.

export type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A bare IP address from a header entry ("1.2.3.4", "1.2.3.4:5678", "[::1]:80", "::ffff:1.2.3.4"), else null. */
export function parseAddress(raw: string): string | null {
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  // A zone index (fe80::1%eth0) names an interface of this host, not a different client.
  value = value.replace(/%.*$/, '');
  if (!ipaddr.isValid(value)) return null;
  try {
    // ipaddr.js also accepts "0x7f.1", "127.1" and "2130706433"; only the usual dotted quad is an address here.
    if (!value.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(value)) return null;
    return ipaddr.process(value).toString();
  } catch {
    return null;
  }
}

/** Parses TRUSTED_PROXIES: addresses or CIDR ranges separated by commas or spaces. Throws naming a bad entry. */
export function parseAddressRanges(list: string): AddressRange[] {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => {
      const [address = '', bits, extra] = entry.split('/');
      const parsed = parseAddress(address);
      if (!parsed || extra !== undefined) throw new Error(`"${entry}" is not an IP address or CIDR range`);
      const mapped = ipaddr.parse(address.replace(/^\[|\]$/g, '')).kind() === 'ipv6' && ipaddr.parse(parsed).kind() === 'ipv4';
      const addr = ipaddr.parse(parsed);
      const full = addr.kind() === 'ipv4' ? 32 : 128;
      if (bits === undefined) return [addr, full] as AddressRange;
      // ::ffff:10.0.0.0/104 is 10.0.0.0/8, as connections from it are compared.
      const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) - (mapped ? 96 : 0) : -1;
      if (prefix < 0 || prefix > full) throw new Error(`"${entry}" has a bad prefix length`);
      return [addr, prefix] as AddressRange;
    });
}

/** The problem with a TRUSTED_PROXIES value, or null when it parses (for lib/env.ts). */
export function addressRangesProblem(list: string): string | null {
  try {
    parseAddressRanges(list);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function inRanges(address: string, ranges: AddressRange[]): boolean {
  const addr = ipaddr.parse(address);
  return ranges.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
}

export interface RequestSides {
  /** The address of the TCP connection, as the site server saw it; null when unknown. */
  peer: string | null;
  forwardedFor: string | null;
  realIp: string | null;
}

/**
 * The client's address. From an untrusted peer: the peer itself. From a trusted proxy: the
 * right-most X-Forwarded-For entry that is not a trusted proxy (entries to its left were written
 * by whoever that client is, so they prove nothing), else X-Real-IP, else the proxy. "unknown"
 * when the site server did not say who connected.
 */
export function resolveClientAddress(sides: RequestSides, trusted: AddressRange[]): string {
  const peer = sides.peer ? parseAddress(sides.peer) : null;
  if (!peer) return 'unknown';
  if (!inRanges(peer, trusted)) return peer;
  const hops = (sides.forwardedFor ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i]!);
    // A trusted proxy passed on something that is no address: nothing left of it can be believed.
    if (!hop) break;
    if (!inRanges(hop, trusted)) return hop;
  }
  const realIp = sides.realIp ? parseAddress(sides.realIp) : null;
  if (realIp && !inRanges(realIp, trusted)) return realIp;
  return peer;
}

/**
 * What a client is counted by in rate limits: an IPv4 address on its own, an IPv6 address by its
 * /64, which one end site holds whole (RFC 6177): per address, one host could try 2^64 times.
 */
export function clientNetwork(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const bytes = parsed.toByteArray().map((b, i) => (i < 8 ? b : 0));
  return `${ipaddr.fromByteArray(bytes).toString()}/64`;
}

/** "https://example.jp" from an Origin header or URL (scheme, host and port, lower case, default port left out); null if it is none. */
export function originOf(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** The origin a trusted proxy says the browser used: X-Forwarded-Proto and X-Forwarded-Host (first entries), else the Host. */
export function forwardedOrigin(proto: string | null, host: string | null, fallbackHost: string | null): string | null {
  const scheme = proto?.split(',')[0]?.trim().toLowerCase() || 'http';
  const name = host?.split(',')[0]?.trim() || fallbackHost?.trim();
  if (!name || (scheme !== 'http' && scheme !== 'https')) return null;
  return originOf(`${scheme}://${name}`);
}
