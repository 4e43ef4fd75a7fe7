// Blocklist checks run on every connection, MAIL FROM and RCPT TO, so entries are compiled once
// per change.
import type { BlocklistEntry, BlocklistKind } from '../state/state-store.js';
import { clientNetwork, ipInRange, normalizeIp, parseRange, rangeToString, type IpRange } from './ip-ranges.js';

export interface BlocklistMatch {
  entry: BlocklistEntry;
}

/** Canonical form of a value, or an error message saying why it is not acceptable. */
export function normalizeBlocklistValue(kind: BlocklistKind, value: string): { value: string } | { error: string } {
  const trimmed = value.trim().toLowerCase();
  if (kind === 'client') {
    try {
      return { value: rangeToString(parseRange(trimmed)) };
    } catch {
      return { error: `"${value}" is not an IP address or CIDR range` };
    }
  }
  const name = trimmed.replace(/^@/, '').replace(/\.$/, '');
  if (!/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/.test(name) || name.length > 253) {
    return { error: `"${value}" is not a domain name` };
  }
  return { value: name };
}

/** True when name is domain or one of its subdomains. */
function withinDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

interface Compiled {
  entry: BlocklistEntry;
  /** epoch ms; undefined = does not expire */
  expiresAt: number | undefined;
}

function compile(entry: BlocklistEntry): Compiled {
  return { entry, expiresAt: entry.expires_at === null || entry.expires_at === undefined ? undefined : Date.parse(entry.expires_at) };
}

/** An entry applies until its expiry, even before a sweep has removed it from the store. */
function applies(c: Compiled, now: number): boolean {
  return c.expiresAt === undefined || c.expiresAt > now;
}

export class Blocklist {
  // Automatic blocks add single IPv4 addresses and IPv6 /64s by the thousand in a botnet flood:
  // those are looked up in maps; other ranges, which admins add by hand and so are few, are scanned.
  private singleClients = new Map<string, Compiled>();
  private ipv6Networks = new Map<string, Compiled>();
  private clientRanges: Array<{ range: IpRange; compiled: Compiled }> = [];
  private senderDomains: Compiled[] = [];
  private heloNames: Compiled[] = [];

  /** @param enabled false (MTA_BLOCKLIST=off) = entries are kept but nothing is ever matched */
  constructor(readonly enabled = true) {}

  load(entries: BlocklistEntry[]): void {
    this.singleClients = new Map();
    this.ipv6Networks = new Map();
    this.clientRanges = [];
    for (const entry of entries.filter((e) => e.kind === 'client')) {
      const range = parseRange(entry.value);
      const single = range[1] === (range[0].kind() === 'ipv4' ? 32 : 128);
      if (single) this.singleClients.set(range[0].toString(), compile(entry));
      else if (range[0].kind() === 'ipv6' && range[1] === 64) this.ipv6Networks.set(clientNetwork(range[0].toString()), compile(entry));
      else this.clientRanges.push({ range, compiled: compile(entry) });
    }
    this.senderDomains = entries.filter((e) => e.kind === 'sender_domain').map(compile);
    this.heloNames = entries.filter((e) => e.kind === 'helo').map(compile);
  }

  matchClient(ip: string, now = Date.now()): BlocklistEntry | undefined {
    if (!this.enabled) return undefined;
    const single = this.singleClients.get(normalizeIp(ip));
    if (single && applies(single, now)) return single.entry;
    const network = this.ipv6Networks.size ? this.ipv6Networks.get(clientNetwork(ip)) : undefined;
    if (network && applies(network, now)) return network.entry;
    return this.clientRanges.find((c) => applies(c.compiled, now) && ipInRange(ip, c.range))?.compiled.entry;
  }

  matchSenderDomain(domain: string, now = Date.now()): BlocklistEntry | undefined {
    if (!this.enabled) return undefined;
    const d = domain.toLowerCase();
    return this.senderDomains.find((c) => applies(c, now) && withinDomain(d, c.entry.value))?.entry;
  }

  matchHelo(helo: string, now = Date.now()): BlocklistEntry | undefined {
    if (!this.enabled) return undefined;
    const h = helo.toLowerCase().replace(/\.$/, '');
    return this.heloNames.find((c) => applies(c, now) && withinDomain(h, c.entry.value))?.entry;
  }
}
