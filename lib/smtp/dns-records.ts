import os from 'node:os';
import ipaddr from 'ipaddr.js';

// The DNS records an operator publishes so that receiving providers trust notices: DKIM (the
// public key), SPF (which hosts may send for the envelope domain) and DMARC (what to do with mail
// that fails both, and where to report). `npm run dkim` prints them (scripts/dkim.ts).

/** One line, `<name> IN TXT "<value>"`, as most DNS providers' forms take it (they split long values themselves). */
export function txtRecordLine(name: string, value: string): string {
  return `${name} IN TXT "${value}"`;
}

/**
 * The same record for a BIND zone file: one character-string holds at most 255 bytes (RFC 1035
 * 3.3), so a longer value is given as several strings, which receivers join without a separator.
 * The name is absolute (trailing dot), so the line means the same whatever the zone's $ORIGIN.
 */
export function bindTxtRecord(name: string, value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const strings: string[] = [];
  for (let i = 0; i < bytes.length; i += 255) strings.push(`"${bytes.subarray(i, i + 255).toString('utf8')}"`);
  const owner = name.endsWith('.') ? name : `${name}.`;
  return strings.length === 1 ? `${owner} IN TXT ${strings[0]}` : `${owner} IN TXT ( ${strings.join('\n\t')} )`;
}

/**
 * SPF mechanisms for the addresses this host sends from, when it has public ones (a server with
 * its own address); empty behind NAT or on a laptop, where only the operator knows the address
 * receivers see.
 */
export function publicAddressMechanisms(interfaces = os.networkInterfaces()): string[] {
  const found = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const entry of list ?? []) {
      if (entry.internal || !ipaddr.isValid(entry.address)) continue;
      const address = ipaddr.process(entry.address);
      if (address.range() !== 'unicast') continue;
      found.add(`${address.kind() === 'ipv4' ? 'ip4' : 'ip6'}:${address.toString()}`);
    }
  }
  return [...found];
}

/** "-all": mail for the domain from anywhere else fails SPF (DMARC still passes on an aligned DKIM signature). */
export function spfValue(mechanisms: string[]): string {
  return `v=spf1 ${mechanisms.join(' ')} -all`;
}

/** p=none to begin with: reports arrive, nothing is refused yet. */
export function dmarcValue(reportAddress: string): string {
  return `v=DMARC1; p=none; rua=mailto:${reportAddress}`;
}
