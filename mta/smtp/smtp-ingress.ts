// The SMTP front door (nodemailer's smtp-server). Order of checks follows Postfix: client
// blocklist and connection limits at connect, HELO/sender blocklist and message rate at MAIL
// FROM, recipient verification and relay rules at RCPT TO, size and content at DATA. A message
// gets its 250 only once it is in the durable spool. Clients that send too much mail, or have too
// many recipients refused, are put on the blocklist automatically (policy/auto-block.ts).
import fs from 'node:fs';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { MtaConfig } from '../config.js';
import { flowOf } from '../metrics/flows.js';
import type { Telemetry } from '../metrics/telemetry.js';
import type { AutoBlocker } from '../policy/auto-block.js';
import type { Blocklist } from '../policy/blocklist.js';
import type { ClientLimits } from '../policy/client-limits.js';
import { verifyPassword } from '../policy/credentials.js';
import { normalizeIp, type NetworkList } from '../policy/ip-ranges.js';
import { splitAddress, type RecipientPolicy } from '../policy/recipient-policy.js';
import type { ScanInput } from '../scan/scanner.js';
import { newQueueId, type QueuedMessage, type Recipient, type ScanResult, type Spool } from '../spool/spool.js';
import { installEnhancedReplies, smtpError } from './enhanced-replies.js';
import { installGreetingDelay } from './greeting-delay.js';
import { isPlausibleAddress, normalizeLineEndings, receivedHeader } from './message-text.js';

installEnhancedReplies();

export interface IngressDependencies {
  config: MtaConfig;
  /** scrypt hash of a mailbox's SMTP password, if it has one */
  passwordHash: (address: string) => string | undefined;
  spool: Spool;
  blocklist: Blocklist;
  autoBlock: AutoBlocker;
  limits: ClientLimits;
  trusted: NetworkList;
  recipients: RecipientPolicy;
  telemetry: Telemetry;
  onAccepted: (message: QueuedMessage) => void;
  /** MTA_SCAN_INLINE: scan before the 250; undefined = scan after queueing instead */
  scanInline?: (input: ScanInput) => Promise<InlineScan | undefined>;
  log: (line: string) => void;
}

export interface InlineScan {
  result: ScanResult;
  outcome: 'deliver' | 'quarantine' | 'refuse';
  scanStart: number;
  scanEnd: number;
}

class Refusal extends Error {
  constructor(readonly smtp: Error) {
    super(smtp.message);
  }
}

interface ClientState {
  ip: string;
  trusted: boolean;
  countedConnection: boolean;
  transactionStartedAt: number;
  routes: Map<string, Pick<Recipient, 'route' | 'domain' | 'localPart'>>;
}

const nonAscii = /[^\x00-\x7f]/;

export class SmtpIngress {
  readonly server: SMTPServer;
  private readonly clients = new Map<string, ClientState>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly d: IngressDependencies) {
    const { smtp } = d.config;
    installGreetingDelay((address) => (d.trusted.contains(normalizeIp(address)) ? 0 : smtp.greetingDelayMs));
    const tls = smtp.tls ? { key: fs.readFileSync(smtp.tls.keyFile), cert: fs.readFileSync(smtp.tls.certFile) } : {};
    this.server = new SMTPServer({
      name: smtp.hostname,
      banner: 'Tayori',
      size: smtp.maxMessageBytes,
      maxRecipients: smtp.maxRecipients,
      maxClients: smtp.maxClients,
      socketTimeout: smtp.socketTimeoutMs,
      // On shutdown, sessions get this long to finish before they are cut off.
      closeTimeout: 5_000,
      disableReverseLookup: !smtp.reverseDns,
      authOptional: true,
      // AUTH (PLAIN, LOGIN) only over TLS: without a certificate there is no AUTH at all.
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      disabledCommands: smtp.tls ? [] : ['AUTH', 'STARTTLS'],
      hideSTARTTLS: !smtp.tls,
      // NOTIFY/ORCPT promises we do not keep (we always send failure DSNs), so DSN is not offered.
      hideDSN: true,
      hideREQUIRETLS: true,
      hideENHANCEDSTATUSCODES: false,
      maxCommandLength: 2048,
      logger: false,
      ...tls,
      onConnect: (session, callback) => callback(this.onConnect(session)),
      onAuth: (auth, session, callback) => {
        this.onAuth(auth.username ?? '', auth.password ?? '').then(
          (user) => (user ? callback(null, { user }) : callback(this.reject('auth_failed', 535, '5.7.8 Error: authentication failed'))),
          (error: Error) => callback(error),
        );
      },
      onMailFrom: (address, session, callback) => callback(this.onMailFrom(address, session)),
      onRcptTo: (address, session, callback) => callback(this.onRcptTo(address, session)),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
      onClose: (session) => this.onClose(session),
    });
    // A reset or broken connection surfaces here; it must never take the process down.
    this.server.on('error', (error: Error & { code?: string; remote?: string }) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      d.log(`smtp: ${error.remote ? `[${error.remote}] ` : ''}${error.message}`);
    });
  }

  listen(): Promise<void> {
    const { host, port } = this.d.config.smtp;
    this.sweepTimer = setInterval(() => {
      this.d.limits.sweep();
      this.d.autoBlock.sweep();
    }, 60_000);
    this.sweepTimer.unref();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting connections; sessions in progress get up to closeTimeout to finish. */
  close(): Promise<void> {
    clearInterval(this.sweepTimer);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get port(): number {
    const address = this.server.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  private reject(reason: string, code: number, message: string): Error {
    this.d.telemetry.rejected(reason);
    return smtpError(code, message);
  }

  /**
   * A permanent entry refuses for good (554). An expiring one (an automatic block) refuses for
   * now: 421 at connect, 450 at MAIL/RCPT, so that a legitimate server caught in a flood retries
   * after the entry expires instead of bouncing its users' mail.
   */
  private blockedClient(ip: string, entry: { expires_at: string | null }, stage: 'connect' | 'command'): Error {
    if (entry.expires_at) {
      return this.reject('blocklist_client', stage === 'connect' ? 421 : 450, `4.7.1 Client host [${ip}] temporarily blocked for sending too much mail; try again later`);
    }
    return this.reject('blocklist_client', 554, `5.7.1 Service unavailable; Client host [${ip}] blocked using local blocklist`);
  }

  /**
   * Counts a refusal towards automatic blocking (dictionary attacks try address after address)
   * and passes the refusal on: the reply that crossed the threshold is still the reason itself.
   */
  private refusedRecipient(client: ClientState, session: SMTPServerSession, refusal: Error): Error {
    this.d.autoBlock.rejectedRecipient({ ip: client.ip, authenticated: Boolean(session.user) });
    return refusal;
  }

  private onConnect(session: SMTPServerSession): Error | null {
    const ip = normalizeIp(session.remoteAddress);
    const blocked = this.d.blocklist.matchClient(ip);
    if (blocked) return this.blockedClient(ip, blocked, 'connect');
    const trusted = this.d.trusted.contains(ip);
    let countedConnection = false;
    if (!trusted) {
      const admission = this.d.limits.openConnection(ip);
      if (admission !== 'ok') {
        return this.reject(admission === 'too-many' ? 'connection_limit' : 'connection_rate', 421, `4.7.0 ${this.d.config.smtp.hostname} Error: too many connections from ${ip}`);
      }
      countedConnection = true;
    }
    this.clients.set(session.id, { ip, trusted, countedConnection, transactionStartedAt: 0, routes: new Map() });
    return null;
  }

  private async onAuth(username: string, password: string): Promise<string | undefined> {
    const address = username.trim().toLowerCase();
    const ok = await verifyPassword(password, this.d.passwordHash(address));
    return ok ? address : undefined;
  }

  private onClose(session: SMTPServerSession): void {
    const client = this.clients.get(session.id);
    if (!client) return;
    this.clients.delete(session.id);
    if (client.countedConnection) this.d.limits.closeConnection(client.ip);
  }

  private onMailFrom(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    const client = this.clients.get(session.id);
    if (!client) return smtpError(421, '4.3.0 Error: session state lost');
    const sender = address.address;
    if (sender !== '' && !isPlausibleAddress(sender)) return this.reject('bad_sender_syntax', 501, `5.1.7 <${sender}>: Sender address rejected: bad address syntax`);
    if (nonAscii.test(sender) && !session.envelope.smtpUtf8) return this.reject('smtputf8_required', 553, '5.6.7 Must declare SMTPUTF8 to send unicode address');
    // Blocked while connected (by an admin, or automatically by this or another session).
    const blocked = this.d.blocklist.matchClient(client.ip);
    if (blocked) return this.blockedClient(client.ip, blocked, 'command');
    const helo = session.hostNameAppearsAs || '';
    const heloBlocked = this.d.blocklist.matchHelo(helo);
    if (heloBlocked) return this.refusedRecipient(client, session, this.reject('blocklist_helo', 550, `5.7.1 <${helo}>: Helo command rejected: Access denied`));
    if (sender !== '') {
      const senderBlocked = this.d.blocklist.matchSenderDomain(splitAddress(sender).domain);
      if (senderBlocked) return this.refusedRecipient(client, session, this.reject('blocklist_sender', 550, `5.7.1 <${sender}>: Sender address rejected: Access denied`));
    }
    const autoBlocked = this.d.autoBlock.message({ ip: client.ip, authenticated: Boolean(session.user) });
    if (autoBlocked) return this.blockedClient(client.ip, autoBlocked, 'command');
    if (!client.trusted && !this.d.limits.allowMessage(client.ip)) {
      return this.reject('rate_limit', 421, `4.7.0 ${this.d.config.smtp.hostname} Error: too much mail from ${client.ip}`);
    }
    client.transactionStartedAt = Date.now();
    client.routes.clear();
    return null;
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    const client = this.clients.get(session.id);
    if (!client) return smtpError(421, '4.3.0 Error: session state lost');
    const rcpt = address.address;
    const blocked = this.d.blocklist.matchClient(client.ip);
    if (blocked) return this.blockedClient(client.ip, blocked, 'command');
    if (!isPlausibleAddress(rcpt)) return this.reject('bad_recipient_syntax', 501, `5.1.3 <${rcpt}>: Recipient address rejected: bad address syntax`);
    if (nonAscii.test(rcpt) && !session.envelope.smtpUtf8) return this.reject('smtputf8_required', 553, '5.6.7 Must declare SMTPUTF8 to send unicode address');
    // Trusted networks and authenticated senders may relay; nobody else.
    const decision = this.d.recipients.decide(rcpt, client.trusted || Boolean(session.user));
    switch (decision.action) {
      case 'reject-unknown-user':
        return this.refusedRecipient(client, session, this.reject('unknown_user', 550, `5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`));
      case 'reject-relay':
        return this.refusedRecipient(client, session, this.reject('relay_denied', 554, `5.7.1 <${rcpt}>: Relay access denied`));
      case 'accept-local':
        client.routes.set(rcpt.toLowerCase(), { route: 'local', domain: decision.domain, localPart: decision.localPart });
        return null;
      case 'accept-relay':
        client.routes.set(rcpt.toLowerCase(), { route: 'relay', domain: decision.domain, localPart: splitAddress(rcpt).localPart });
        return null;
    }
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = this.d.config.smtp.maxMessageBytes;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    // A client that disconnects mid-DATA destroys the stream: nothing was spooled, nothing is.
    stream.on('error', () => {});
    stream.on('end', () => {
      if (stream.sizeExceeded || size > limit) {
        callback(this.reject('message_too_big', 552, '5.3.4 Message size exceeds fixed limit'));
        return;
      }
      const data = Buffer.concat(chunks, Math.min(size, limit));
      if (data.includes(0)) {
        callback(this.reject('nul_in_message', 554, '5.6.0 Message content rejected: NUL characters are not allowed'));
        return;
      }
      this.spool(data, session).then(
        (id) => callback(null, `2.0.0 Ok: queued as ${id}`),
        (error: Error) => {
          if (error instanceof Refusal) {
            callback(error.smtp);
            return;
          }
          this.d.log(`spool write failed: ${error.message}`);
          callback(smtpError(451, '4.3.0 Error: queue file write error'));
        },
      );
    });
  }

  private async spool(data: Buffer, session: SMTPServerSession): Promise<string> {
    const client = this.clients.get(session.id);
    if (!client) throw new Error('session state lost');
    const { config, telemetry } = this.d;
    const id = newQueueId();
    const now = new Date();
    const rcpts = session.envelope.rcptTo.map((r) => r.address);
    const recipients: Recipient[] = rcpts.map((address, idx) => {
      const route = client.routes.get(address.toLowerCase()) ?? { route: 'relay' as const, domain: splitAddress(address).domain, localPart: splitAddress(address).localPart };
      return { idx, address, ...route, state: 'pending', status: null, diagnostic: null };
    });
    const header = receivedHeader({
      helo: session.hostNameAppearsAs || '',
      clientHostname: session.clientHostname,
      clientIp: client.ip,
      hostname: config.smtp.hostname,
      protocol: (session.transmissionType || 'ESMTP') + (session.envelope.smtpUtf8 ? ' (UTF8SMTP)' : ''),
      queueId: id,
      recipients: rcpts,
      date: now,
    });
    const body = Buffer.concat([Buffer.from(header, 'utf8'), normalizeLineEndings(data)]);
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const inline = config.scan.inline && this.d.scanInline
      ? await this.d.scanInline({ queueId: id, mailFrom, recipients: rcpts, clientIp: client.ip, helo: session.hostNameAppearsAs || '', message: body })
      : undefined;
    if (inline?.outcome === 'quarantine') {
      this.d.log(`${id}: from=<${mailFrom}> refused at DATA, virus ${inline.result.virus}`);
      throw new Refusal(this.reject('virus', 554, `5.7.1 Message content rejected: virus ${inline.result.virus} found`));
    }
    if (inline?.outcome === 'refuse') {
      this.d.log(`${id}: from=<${mailFrom}> refused at DATA as spam, score ${inline.result.score}`);
      throw new Refusal(this.reject('spam', 550, `5.7.1 Message content rejected as spam (score ${inline.result.score})`));
    }
    const accepted = await this.d.spool.accept({
      id,
      state: inline ? 'deliver' : 'scan',
      scanResult: inline?.result ?? null,
      scanStart: inline?.scanStart ?? null,
      scanEnd: inline?.scanEnd ?? null,
      clientIp: client.ip,
      helo: session.hostNameAppearsAs || '',
      mailFrom,
      sourceKey: client.ip,
      size: body.length,
      body,
      receivedAt: client.transactionStartedAt || now.getTime(),
      internal: false,
      recipients,
    });
    telemetry.accepted(recipients.map(flowOf));
    this.d.onAccepted(accepted);
    return id;
  }
}
