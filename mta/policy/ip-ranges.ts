// IP and CIDR matching on top of ipaddr.js; IPv4-mapped IPv6 clients (::ffff:1.2.3.4) are
// compared as the IPv4 address they are.
import ipaddr from 'ipaddr.js';

export type IpRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function normalizeIp(address: string): string {
  try {
    return ipaddr.process(address).toString();
  } catch {
    return address;
  }
}

/** 127.0.0.0/8 or ::1 (an IPv4-mapped 127.x too): a client on this host. */
export function isLoopback(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'loopback';
  } catch {
    return false;
  }
}

/**
 * The network a client is counted and blocked by: an IPv4 address on its own, an IPv6 address by
 * its /64. A /64 is one end site's network (RFC 6177), and a host in it can take any of its 2^64
 * addresses: counted per address, a flood from one host would never reach a threshold, and a block
 * of one address would be dodged by the next. Returns the address unchanged if it is not one.
 */
export function clientNetwork(address: string): string {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return address;
  }
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const bytes = parsed.toByteArray().map((b, i) => (i < 8 ? b : 0));
  return `${ipaddr.fromByteArray(bytes).toString()}/64`;
}

/** Parses "1.2.3.4", "1.2.3.0/24", "::1" or "2001:db8::/32"; throws on anything else. */
export function parseRange(text: string): IpRange {
  const value = text.trim();
  if (value.includes('/')) {
    const [addr, bits] = ipaddr.parseCIDR(value);
    return [addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr, addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? bits - 96 : bits];
  }
  if (!ipaddr.isValid(value)) throw new Error(`not an IP address or CIDR range: ${value}`);
  const addr = ipaddr.process(value);
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}

export function isValidRange(text: string): boolean {
  try {
    parseRange(text);
    return true;
  } catch {
    return false;
  }
}

export function rangeToString([addr, bits]: IpRange): string {
  const full = addr.kind() === 'ipv4' ? 32 : 128;
  return bits === full ? addr.toString() : `${addr.toString()}/${bits}`;
}

export function ipInRange(address: string, range: IpRange): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return false;
  }
  if (parsed.kind() !== range[0].kind()) return false;
  return parsed.match(range as [ipaddr.IPv4, number]);
}

export class NetworkList {
  private readonly ranges: IpRange[];

  constructor(entries: string[]) {
    this.ranges = entries.map((entry) => {
      try {
        return parseRange(entry);
      } catch {
        throw new Error(`Invalid MTA configuration: MTA_TRUSTED_NETWORKS: ${entry} is not an IP address or CIDR range`);
      }
    });
  }

  contains(address: string): boolean {
    return this.ranges.some((range) => ipInRange(address, range));
  }
}
