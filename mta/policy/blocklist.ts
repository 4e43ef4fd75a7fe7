// Blocklist checks run on every connection and MAIL FROM, so entries are compiled once per change.
import type { BlocklistEntry, BlocklistKind } from '../state/state-store.js';
import { ipInRange, parseRange, rangeToString, type IpRange } from './ip-ranges.js';

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

export class Blocklist {
  private clients: Array<{ range: IpRange; entry: BlocklistEntry }> = [];
  private senderDomains: BlocklistEntry[] = [];
  private heloNames: BlocklistEntry[] = [];

  load(entries: BlocklistEntry[]): void {
    this.clients = entries.filter((e) => e.kind === 'client').map((entry) => ({ range: parseRange(entry.value), entry }));
    this.senderDomains = entries.filter((e) => e.kind === 'sender_domain');
    this.heloNames = entries.filter((e) => e.kind === 'helo');
  }

  matchClient(ip: string): BlocklistEntry | undefined {
    return this.clients.find((c) => ipInRange(ip, c.range))?.entry;
  }

  matchSenderDomain(domain: string): BlocklistEntry | undefined {
    const d = domain.toLowerCase();
    return this.senderDomains.find((e) => withinDomain(d, e.value));
  }

  matchHelo(helo: string): BlocklistEntry | undefined {
    const h = helo.toLowerCase().replace(/\.$/, '');
    return this.heloNames.find((e) => withinDomain(h, e.value));
  }
}
