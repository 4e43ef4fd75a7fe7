// Which flow (contracts/rollup-schema.ts: inbound | outbound) a Postfix delivery line belongs to.
// Postfix does not log whether a recipient's domain is hosted here; its delivery agent says where
// the mail went: into a mailbox (local, virtual, lmtp, pipe; discard throws it away here) or out to
// another host (smtp; the "relay" transport is smtp too). The operator can say otherwise for
// particular next hops (--next-hop), e.g. the mailbox servers behind a gateway MX, which Postfix
// reaches over SMTP, or a content filter (amavisd-new) that takes mail over SMTP and hands it back.
import type { AcceptedVia } from './parser.js';
import type { MailFlow } from '#contracts/rollup-schema';

const INBOUND_AGENTS = new Set(['local', 'virtual', 'lmtp', 'pipe', 'discard']);
const OUTBOUND_AGENTS = new Set(['smtp', 'relay']);

/**
 * A next hop's role, from --next-hop: a flow, or "filter" for a content filter the message passes
 * through on its way (the hop is no delivery: the filter hands the mail back as a new message).
 */
export type NextHopRole = MailFlow | 'filter';

export interface NextHopRule {
  /** Host name or address as relay= names it, lower case. */
  host: string;
  /** Only this port, when given. */
  port: number | null;
  role: NextHopRole;
}

/** What a delivery line is: a delivery in a flow, a hop through a filter, or one whose flow the line does not tell (null). */
export type DeliveryRole = NextHopRole | null;

/** relay= as Postfix writes it: "mx.example[192.0.2.1]:25", "mx[2001:db8::1]:25", "private/dovecot-lmtp", "local", "none". */
export function parseRelay(relay: string): { name: string; address: string | null; port: number | null } {
  const m = /^([^[\]]*)(?:\[([^\]]*)\])?(?::(\d+))?$/.exec(relay);
  if (!m) return { name: relay.toLowerCase(), address: null, port: null };
  return { name: m[1]!.toLowerCase(), address: m[2]?.toLowerCase() ?? null, port: m[3] ? Number(m[3]) : null };
}

/**
 * "HOST=ROLE", "HOST:PORT=ROLE" or "[ADDRESS]:PORT=ROLE" (IPv6 addresses in brackets), ROLE one of
 * inbound, outbound, filter. Throws with a message for the command line.
 */
export function parseNextHopRule(spec: string): NextHopRule {
  const eq = spec.lastIndexOf('=');
  const role = spec.slice(eq + 1);
  if (eq <= 0 || (role !== 'inbound' && role !== 'outbound' && role !== 'filter')) throw new Error(`"${spec}" is not HOST[:PORT]=inbound|outbound|filter`);
  const target = spec.slice(0, eq).trim().toLowerCase();
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(target) ?? /^([^:[\]\s]+)(?::(\d+))?$/.exec(target) ?? /^([0-9a-f:]+)()$/.exec(target);
  if (!m) throw new Error(`"${spec}": the host must be a name or an address (IPv6 with a port in brackets: [::1]:10024)`);
  const port = m[2] ? Number(m[2]) : null;
  if (port !== null && (port < 1 || port > 65535)) throw new Error(`"${spec}": the port must be 1–65535`);
  return { host: m[1]!, port, role };
}

function ruleFor(relay: string, rules: readonly NextHopRule[]): NextHopRule | undefined {
  if (rules.length === 0) return undefined;
  const hop = parseRelay(relay);
  return rules.find((r) => (r.host === hop.name || r.host === hop.address) && (r.port === null || r.port === hop.port));
}

/**
 * The role of one delivery line. The error and retry agents (and any agent not named here) say
 * nothing about the destination: they fail or defer mail by configuration wherever it was going
 * (transport_maps "error:", a loop, a lookup failure), so their lines go with the message
 * (see RollupBuilder: the flow it came in as).
 */
export function deliveryRole(agent: string, relay: string, rules: readonly NextHopRule[] = []): DeliveryRole {
  const rule = ruleFor(relay, rules);
  if (rule) return rule.role;
  if (INBOUND_AGENTS.has(agent)) return 'inbound';
  if (OUTBOUND_AGENTS.has(agent)) return 'outbound';
  return null;
}

/**
 * The flow a message came in as, when its acceptance line tells: a customer's authenticated
 * submission, a local submission (sendmail, web applications) and Postfix's own notices leave for
 * other domains. Mail from an SMTP client without a login is null: on an MX it is mail for the
 * hosted domains, on a relay host mail leaving; --waiting-flow says which.
 */
export function acceptedFlow(via: AcceptedVia | undefined): MailFlow | null {
  return via === undefined ? null : 'outbound';
}

/** The domain of an address, lower case ("" for the null sender or a bare local part). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}
