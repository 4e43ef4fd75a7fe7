// Delivery to other domains: through the configured smarthost (SMTP_RELAY_URL) or, without one,
// straight to the domain's MX hosts. Replies are classified the way Postfix does: 5xx bounces,
// everything else (4xx, timeouts, refused connections, DNS trouble) is retried later.
//
// TLS: the smarthost's certificate is verified (smtps://, or STARTTLS when offered), against the
// system's CAs and the one given with ?tls_ca=/path.pem; ?tls_verify=false turns the check off for
// test servers. Credentials for a smarthost on another host only go over TLS. MX hosts get
// opportunistic TLS without verification, as Postfix's default (smtp_tls_security_level = may):
// there is no name to check an MX certificate against without DANE or MTA-STS, and refusing
// unverifiable ones would stop mail to much of the Internet.
//
// Sessions are reused: each next hop (the smarthost, a transport map entry, an MX host) has a pool
// of at most the per-destination concurrency, each connection carrying up to
// MTA_CONNECTION_REUSE_LIMIT messages (Postfix's smtp_connection_cache). Pools idle for a few
// seconds are closed, as Postfix drops cached sessions after smtp_connection_cache_time_limit.
// How many deliveries may start per destination is the queue's business (destination-scheduler.ts);
// destinationOf() tells it which destination a recipient belongs to.
import dns from 'node:dns/promises';
import fs from 'node:fs';
import tls from 'node:tls';
import nodemailer, { type Transporter } from 'nodemailer';
import { isLoopback } from '../policy/ip-ranges.js';
import type { DeliveryContent } from '../spool/message-body.js';

export interface RecipientOutcome {
  address: string;
  outcome: 'delivered' | 'deferred' | 'bounced';
  /** enhanced status code, e.g. 5.1.1 */
  status: string;
  /** remote reply or local explanation, for the DSN and the queue listing */
  diagnostic: string;
}

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
  rejectedErrors?: SmtpError[];
  recipient?: string;
}

function statusFrom(reply: string | undefined, code: number | undefined, fallback: string): string {
  const match = reply ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})/.exec(reply) : null;
  if (match) return match[1]!;
  if (code && code >= 500) return '5.0.0';
  if (code && code >= 400) return '4.0.0';
  return fallback;
}

function classify(error: SmtpError, address: string): RecipientOutcome {
  const code = error.responseCode;
  const diagnostic = error.response ?? error.message;
  if (code && code >= 500) return { address, outcome: 'bounced', status: statusFrom(error.response, code, '5.0.0'), diagnostic };
  return { address, outcome: 'deferred', status: statusFrom(error.response, code, '4.4.1'), diagnostic };
}

export interface RelaySettings {
  /** the smarthost for every other domain (SMTP_RELAY_URL) */
  relayUrl?: string;
  /** connections per next hop (MTA_DESTINATION_CONCURRENCY) */
  destinationConcurrency: number;
  /** messages per SMTP session before a fresh one is opened (MTA_CONNECTION_REUSE_LIMIT) */
  connectionReuseLimit: number;
  /** recipient domain → smtp:// URL of its next hop (MTA_TRANSPORT_MAP), ahead of the smarthost and MX */
  transportMap?: Record<string, string>;
}

/** A closed pool is reopened on its next use; an idle one should not hold a remote server's slot. */
const POOL_IDLE_CLOSE_MS = 5_000;

interface PooledTransport {
  transport: Transporter;
  inFlight: number;
  lastUsedMs: number;
}

/** The name a next hop is keyed by, as Postfix writes a nexthop: host:port. */
function nexthopOf(url: URL): string {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '25');
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Where and how one next hop is reached: the part of nodemailer's pool options that differs per hop. */
interface ConnectionOptions {
  host: string;
  port: number;
  secure?: boolean;
  auth?: { user: string; pass: string };
  requireTLS?: boolean;
  tls?: tls.ConnectionOptions;
}

export class Relay {
  private readonly smarthost: URL | undefined;
  private readonly transportMap = new Map<string, URL>();
  private readonly pools = new Map<string, PooledTransport>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly hostname: string,
    private readonly settings: RelaySettings,
  ) {
    if (settings.relayUrl) {
      this.smarthost = new URL(settings.relayUrl);
      // A CA file that cannot be read stops start-up, not the first delivery.
      this.urlTransportOptions(this.smarthost, 'SMTP_RELAY_URL');
    }
    for (const [domain, target] of Object.entries(settings.transportMap ?? {})) {
      const url = new URL(target);
      this.urlTransportOptions(url, 'MTA_TRANSPORT_MAP');
      this.transportMap.set(domain.toLowerCase(), url);
    }
    this.sweeper = setInterval(() => this.closeIdlePools(Date.now()), 1_000);
    this.sweeper.unref();
  }

  /**
   * The destination a recipient's mail counts against, as Postfix keys its limits by next hop: the
   * transport map's host:port for a mapped domain, the smarthost's host:port when there is one
   * (everything goes to that one server), else the recipient's domain (its MX hosts).
   */
  destinationOf(address: string): string {
    const domain = domainOf(address);
    const mapped = this.transportMap.get(domain);
    if (mapped) return nexthopOf(mapped);
    if (this.smarthost) return nexthopOf(this.smarthost);
    return domain;
  }

  private urlTransportOptions(url: URL, setting: string) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'smtps:';
    const caFile = url.searchParams.get('tls_ca');
    let ca: string | undefined;
    try {
      ca = caFile ? fs.readFileSync(caFile, 'utf8') : undefined;
    } catch (error) {
      throw new Error(`${setting}: cannot read the CA file tls_ca=${caFile}: ${(error as Error).message}`);
    }
    const loopback = host === 'localhost' || isLoopback(host);
    return {
      host,
      port: Number(url.port || (secure ? 465 : 25)),
      secure,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      requireTLS: !secure && !loopback && url.username !== '',
      tls: { rejectUnauthorized: url.searchParams.get('tls_verify') !== 'false', ...(ca ? { ca: [...tls.rootCertificates, ca] } : {}) },
    };
  }

  private pool(key: string, options: () => ConnectionOptions): PooledTransport {
    let pooled = this.pools.get(key);
    if (!pooled) {
      const transport = nodemailer.createTransport({
        ...options(),
        name: this.hostname,
        pool: true,
        maxConnections: this.settings.destinationConcurrency,
        maxMessages: this.settings.connectionReuseLimit,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 120_000,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      pooled = { transport, inFlight: 0, lastUsedMs: Date.now() };
      this.pools.set(key, pooled);
    }
    return pooled;
  }

  private closeIdlePools(now: number): void {
    for (const [key, pooled] of this.pools) {
      if (pooled.inFlight === 0 && now - pooled.lastUsedMs >= POOL_IDLE_CLOSE_MS) {
        this.pools.delete(key);
        pooled.transport.close();
      }
    }
  }

  async send(from: string, recipients: string[], content: DeliveryContent): Promise<RecipientOutcome[]> {
    const byUrl = new Map<string, { url: URL; list: string[] }>();
    const byDomain = new Map<string, string[]>();
    for (const r of recipients) {
      const domain = domainOf(r);
      const url = this.transportMap.get(domain) ?? this.smarthost;
      if (url) {
        const entry = byUrl.get(url.href) ?? { url, list: [] };
        entry.list.push(r);
        byUrl.set(url.href, entry);
      } else byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
    }
    const outcomes = new Map<string, RecipientOutcome>();
    for (const { url, list } of byUrl.values()) {
      const pooled = this.pool(`url:${url.href}`, () => this.urlTransportOptions(url, 'relay'));
      for (const o of await this.sendVia(pooled, from, list, content)) outcomes.set(o.address, o);
    }
    for (const [domain, list] of byDomain) {
      for (const o of await this.sendDirect(domain, from, list, content)) outcomes.set(o.address, o);
    }
    return recipients.map((address) => outcomes.get(address)!);
  }

  private async sendVia(pooled: PooledTransport, from: string, recipients: string[], content: DeliveryContent): Promise<RecipientOutcome[]> {
    pooled.inFlight++;
    try {
      // A large message is read from the spool as it is sent, afresh for every attempt.
      const info = await pooled.transport.sendMail({ envelope: { from: from || '', to: recipients }, raw: content.inMemory ?? content.stream() });
      const rejected = new Map<string, SmtpError>();
      for (const e of ((info as unknown as { rejectedErrors?: SmtpError[] }).rejectedErrors ?? [])) if (e.recipient) rejected.set(e.recipient, e);
      return recipients.map((address) => {
        const error = rejected.get(address);
        if (error) return classify(error, address);
        return { address, outcome: 'delivered', status: '2.0.0', diagnostic: info.response ?? '250 Ok' };
      });
    } catch (raw) {
      const error = raw as SmtpError;
      const perRecipient = new Map<string, SmtpError>();
      for (const e of error.rejectedErrors ?? []) if (e.recipient) perRecipient.set(e.recipient, e);
      return recipients.map((address) => classify(perRecipient.get(address) ?? error, address));
    } finally {
      pooled.inFlight--;
      pooled.lastUsedMs = Date.now();
    }
  }

  private async sendDirect(domain: string, from: string, list: string[], content: DeliveryContent): Promise<RecipientOutcome[]> {
    let hosts: string[];
    try {
      const mx = await dns.resolveMx(domain);
      // RFC 7505 "null MX": the domain says it accepts no mail at all.
      if (mx.length === 1 && (mx[0]!.exchange === '' || mx[0]!.exchange === '.')) {
        return list.map((address) => ({ address, outcome: 'bounced', status: '5.1.10', diagnostic: `Domain ${domain} does not accept mail (nullMX)` }));
      }
      hosts = mx.sort((a, b) => a.priority - b.priority).map((m) => m.exchange);
      if (hosts.length === 0) hosts = [domain];
    } catch (error) {
      // Every lookup failure is treated as temporary: an offline or lying resolver answers
      // "no such domain" for everything, and bouncing all outbound mail (the status site's
      // notices included) would be far worse than retrying until the queue lifetime ends.
      const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
      return list.map((address) => ({ address, outcome: 'deferred', status: '4.4.3', diagnostic: `Host or domain name not found. Name service error for name=${domain} type=MX: ${code}` }));
    }
    let outcomes: RecipientOutcome[] = list.map((address) => ({ address, outcome: 'deferred', status: '4.4.1', diagnostic: `connect to MX hosts of ${domain} failed` }));
    for (const host of hosts) {
      const pooled = this.pool(`mx:${host.toLowerCase()}`, () => ({ host, port: 25, tls: { rejectUnauthorized: false } }));
      outcomes = await this.sendVia(pooled, from, list, content);
      // Try the next MX only when this one could not take the mail for a temporary reason.
      if (!outcomes.every((o) => o.outcome === 'deferred')) break;
    }
    return outcomes;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const pooled of this.pools.values()) pooled.transport.close();
    this.pools.clear();
  }
}
