import { isIP } from 'node:net';

// Targets as staff type them: "host:port", "[v6]:port", a bare name for DNS. Hosts may be private
// addresses on purpose: probes watch the provider's own servers, and only signed-in staff (editor
// or admin) can define one, so this is not a way for a visitor to reach the internal network.

/** A DNS host name (letters, digits, hyphens; labels of 1–63, 253 at most). `underscore` also allows "_dmarc"-style labels. */
export function isDnsName(name: string, { underscore = false } = {}): boolean {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!trimmed || trimmed.length > 253) return false;
  const label = underscore ? /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/i : /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
  const labels = trimmed.split('.');
  // All-digit dotted names are IPv4 look-alikes (999.1.1.1), not names.
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => label.test(l));
}

export function isHost(host: string): boolean {
  return isIP(host) !== 0 || isDnsName(host);
}

export interface HostPort {
  host: string;
  port: number | null;
}

/** "host", "host:port", "[::1]:port", "::1"; null when it is none of these. */
export function parseHostPort(text: string): HostPort | { problem: 'noHost' | 'badHost' | 'badPort' } {
  const value = text.trim();
  if (!value) return { problem: 'noHost' };
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
    if (isIP(host) !== 6) return { problem: host ? 'badHost' : 'noHost' };
  } else if (isIP(value) === 6) {
    host = value;
  } else {
    const colon = value.lastIndexOf(':');
    host = colon < 0 ? value : value.slice(0, colon);
    portText = colon < 0 ? undefined : value.slice(colon + 1);
    if (!host) return { problem: 'noHost' };
    if (!isHost(host)) return { problem: 'badHost' };
  }
  if (portText === undefined) return { host, port: null };
  if (!/^\d{1,5}$/.test(portText)) return { problem: 'badPort' };
  const port = Number(portText);
  if (port < 1 || port > 65535) return { problem: 'badPort' };
  return { host, port };
}
