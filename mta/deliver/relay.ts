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

export class Relay {
  private readonly smarthost: Transporter | undefined;

  constructor(
    relayUrl: string | undefined,
    private readonly hostname: string,
    maxConnections: number,
  ) {
    if (relayUrl) {
      const url = new URL(relayUrl);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const secure = url.protocol === 'smtps:';
      const caFile = url.searchParams.get('tls_ca');
      let ca: string | undefined;
      try {
        ca = caFile ? fs.readFileSync(caFile, 'utf8') : undefined;
      } catch (error) {
        throw new Error(`SMTP_RELAY_URL: cannot read the CA file tls_ca=${caFile}: ${(error as Error).message}`);
      }
      const loopback = host === 'localhost' || isLoopback(host);
      this.smarthost = nodemailer.createTransport({
        host,
        port: Number(url.port || (secure ? 465 : 25)),
        secure,
        auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
        requireTLS: !secure && !loopback && url.username !== '',
        name: hostname,
        pool: true,
        maxConnections,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 120_000,
        tls: { rejectUnauthorized: url.searchParams.get('tls_verify') !== 'false', ...(ca ? { ca: [...tls.rootCertificates, ca] } : {}) },
      });
    }
  }

  async send(from: string, recipients: string[], content: DeliveryContent): Promise<RecipientOutcome[]> {
    if (this.smarthost) return this.sendVia(this.smarthost, from, recipients, content);
    return this.sendDirect(from, recipients, content);
  }

  private async sendVia(transport: Transporter, from: string, recipients: string[], content: DeliveryContent): Promise<RecipientOutcome[]> {
    try {
      // A large message is read from the spool as it is sent, afresh for every attempt.
      const info = await transport.sendMail({ envelope: { from: from || '', to: recipients }, raw: content.inMemory ?? content.stream() });
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
    }
  }

  private async sendDirect(from: string, recipients: string[], content: DeliveryContent): Promise<RecipientOutcome[]> {
    const byDomain = new Map<string, string[]>();
    for (const r of recipients) {
      const domain = r.slice(r.lastIndexOf('@') + 1).toLowerCase();
      byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
    }
    const results: RecipientOutcome[] = [];
    for (const [domain, list] of byDomain) {
      let hosts: string[];
      try {
        const mx = await dns.resolveMx(domain);
        // RFC 7505 "null MX": the domain says it accepts no mail at all.
        if (mx.length === 1 && (mx[0]!.exchange === '' || mx[0]!.exchange === '.')) {
          results.push(...list.map((address) => ({ address, outcome: 'bounced', status: '5.1.10', diagnostic: `Domain ${domain} does not accept mail (nullMX)` }) as RecipientOutcome));
          continue;
        }
        hosts = mx.sort((a, b) => a.priority - b.priority).map((m) => m.exchange);
        if (hosts.length === 0) hosts = [domain];
      } catch (error) {
        // Every lookup failure is treated as temporary: an offline or lying resolver answers
        // "no such domain" for everything, and bouncing all outbound mail (the status site's
        // notices included) would be far worse than retrying until the queue lifetime ends.
        const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
        results.push(...list.map((address) => ({ address, outcome: 'deferred', status: '4.4.3', diagnostic: `Host or domain name not found. Name service error for name=${domain} type=MX: ${code}` }) as RecipientOutcome));
        continue;
      }
      let outcomes: RecipientOutcome[] = list.map((address) => ({ address, outcome: 'deferred', status: '4.4.1', diagnostic: `connect to MX hosts of ${domain} failed` }));
      for (const host of hosts) {
        const transport = nodemailer.createTransport({ host, port: 25, name: this.hostname, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000, tls: { rejectUnauthorized: false } });
        outcomes = await this.sendVia(transport, from, list, content);
        transport.close();
        // Try the next MX only when this one could not take the mail for a temporary reason.
        if (!outcomes.every((o) => o.outcome === 'deferred')) break;
      }
      results.push(...outcomes);
    }
    return results;
  }

  close(): void {
    this.smarthost?.close();
  }
}
