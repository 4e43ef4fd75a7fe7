// The SMTP front door (nodemailer's smtp-server). Order of checks follows Postfix: client
// blocklist and connection limits at connect, HELO/sender blocklist and message rate at MAIL
// FROM, recipient verification and relay rules at RCPT TO, size and content at DATA. A message
// gets its 250 only once it is in the durable spool. Clients that send too much mail, have too
// many recipients refused, or fail to log in too often are put on the blocklist automatically
// (policy/auto-block.ts, policy/auth-throttle.ts).
//
// No network is trusted unless MTA_TRUSTED_NETWORKS says so. The site and the notice worker log in
// as SUBMISSION_USER with the password generated in the data directory: that session may relay,
// is exempt from the per-client message limit (a notice goes to thousands of subscribers a minute)
// and gives its connection slot back, and an automatic block of 127.0.0.1 or ::1 does not keep it
// out, so that a local process that gets loopback blocked cannot silence the site's notices. Its
// mail takes the priority lane (queue/lanes.ts): no content scan, delivered ahead of the scan queue.
import fs from 'node:fs';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { SUBMISSION_USER, type MtaConfig } from '../config.js';
import { flowOf } from '../metrics/flows.js';
import type { Telemetry } from '../metrics/telemetry.js';
import type { AuthThrottle } from '../policy/auth-throttle.js';
import { blockedForLogins, type AutoBlocker } from '../policy/auto-block.js';
import type { Blocklist } from '../policy/blocklist.js';
import type { ClientLimits } from '../policy/client-limits.js';
import { verifyPassword } from '../policy/credentials.js';
import { clientNetwork, isLoopback, normalizeIp, type NetworkList } from '../policy/ip-ranges.js';
import { splitAddress, type RecipientPolicy } from '../policy/recipient-policy.js';
import type { ScanInput } from '../scan/scanner.js';
import type { IncomingBody } from '../spool/incoming-body.js';
import { fileBody, inMemoryBody } from '../spool/message-body.js';
import { laneScanResult, SUBMISSION_SOURCE_KEY } from '../queue/lanes.js';
import { newQueueId, type QueuedMessage, type Recipient, type ScanResult, type Spool } from '../spool/spool.js';
import { messageIdOf } from '../state/message-trace.js';
import { tokensEqual } from '../tokens.js';
import { installAuthGate } from './auth-gate.js';
import { installEnhancedReplies, smtpError } from './enhanced-replies.js';
import { installGreetingDelay } from './greeting-delay.js';
import { isPlausibleAddress, receivedHeader } from './message-text.js';
import { installSessionGuard } from './session-guard.js';

installEnhancedReplies();

export interface IngressDependencies {
  config: MtaConfig;
  /** scrypt hash of a mailbox's SMTP password, if it has one */
  passwordHash: (address: string) => string | undefined;
  spool: Spool;
  blocklist: Blocklist;
  autoBlock: AutoBlocker;
  authThrottle: AuthThrottle;
  /** the local submission password (SUBMISSION_USER) */
  submissionPassword: string;
  limits: ClientLimits;
  trusted: NetworkList;
  recipients: RecipientPolicy;
  telemetry: Telemetry;
  /** messageId: the text's Message-ID, canonical (contracts/message-id.ts), for the mail trace. */
  onAccepted: (message: QueuedMessage, messageId: string | undefined) => void;
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
  /** may log in without TLS (loopback, MTA_LOOPBACK_PLAINTEXT_AUTH) */
  plaintextAuth: boolean;
  /** logged in as SUBMISSION_USER: the site or the notice worker */
  submission: boolean;
  countedConnection: boolean;
  transactionStartedAt: number;
  routes: Map<string, Pick<Recipient, 'route' | 'domain' | 'localPart'>>;
}

const nonAscii = /[^\x00-\x7f]/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const AUTH_THROTTLED = '4.7.0 Temporary authentication failure: too many failed logins, try again later';

/** The addresses the site and the notice worker submit from when SMTP_URL is the MTA on loopback. */
function localSubmissionAddress(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1';
}

export class SmtpIngress {
  readonly server: SMTPServer;
  private readonly clients = new Map<string, ClientState>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly d: IngressDependencies) {
    const { smtp } = d.config;
    installGreetingDelay((address) => (d.trusted.contains(normalizeIp(address)) ? 0 : smtp.greetingDelayMs));
    installAuthGate((session) => this.clients.get(session.id)?.plaintextAuth ?? false);
    installSessionGuard({ hostname: smtp.hostname, timeoutMs: smtp.socketTimeoutMs, minDataRate: smtp.minDataRate, sessionTimeoutMs: smtp.sessionTimeoutMs });
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
      // AUTH (PLAIN, LOGIN) inside TLS, or without it from loopback: which sessions may is decided
      // per session (onConnect, auth-gate.ts). Without a certificate, only loopback gets AUTH.
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: smtp.tls ? [] : ['STARTTLS'],
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
        this.onAuth(auth.username ?? '', auth.password ?? '', session).then(
          (user) => callback(null, { user }),
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
      this.d.authThrottle.sweep();
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
  private blockedClient(ip: string, entry: { expires_at: string | null; reason: string | null }, stage: 'connect' | 'command'): Error {
    if (entry.expires_at) {
      const why = blockedForLogins(entry.reason) ? 'after too many failed logins' : 'for sending too much mail';
      return this.reject('blocklist_client', stage === 'connect' ? 421 : 450, `4.7.1 Client host [${ip}] temporarily blocked ${why}; try again later`);
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
    // An automatic block of the local submission address lets the session in to log in as the
    // site; it is refused at its first MAIL, RCPT or other login like any blocked client.
    if (blocked && !(blocked.expires_at && localSubmissionAddress(ip))) return this.blockedClient(ip, blocked, 'connect');
    const trusted = this.d.trusted.contains(ip);
    let countedConnection = false;
    if (!trusted) {
      const admission = this.d.limits.openConnection(ip);
      if (admission !== 'ok') {
        return this.reject(admission === 'too-many' ? 'connection_limit' : 'connection_rate', 421, `4.7.0 ${this.d.config.smtp.hostname} Error: too many connections from ${ip}`);
      }
      countedConnection = true;
    }
    const { smtp } = this.d.config;
    const plaintextAuth = smtp.loopbackPlaintextAuth && isLoopback(ip);
    // Without a certificate nobody but loopback can log in: AUTH is not even offered to them.
    (session as SMTPServerSession & { disabledCommands?: string[] }).disabledCommands = smtp.tls ? [] : plaintextAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'];
    this.clients.set(session.id, { ip, trusted, plaintextAuth, submission: false, countedConnection, transactionStartedAt: 0, routes: new Map() });
    return null;
  }

  /**
   * Checks a login; resolves with the user name, or rejects with the reply: 535 for wrong
   * credentials (later with every failure), 454 while the client or the name is throttled, 421
   * when this attempt put the client on the blocklist.
   */
  private async onAuth(username: string, password: string, session: SMTPServerSession): Promise<string> {
    const client = this.clients.get(session.id);
    if (!client) throw smtpError(421, '4.3.0 Error: session state lost');
    const user = username.trim().toLowerCase();
    // The submission password is 64 random hex digits nobody guesses: it is checked before any
    // throttling, so that failed logins from the same address cannot lock the site out.
    if (user === SUBMISSION_USER && tokensEqual(password, this.d.submissionPassword)) {
      client.submission = true;
      // Its sessions are the fan-out's, not a client's share of the connection limit.
      if (client.countedConnection) {
        this.d.limits.closeConnection(client.ip);
        client.countedConnection = false;
      }
      return SUBMISSION_USER;
    }
    const blocked = this.d.blocklist.matchClient(client.ip);
    if (blocked) throw this.blockedClient(client.ip, blocked, 'connect');
    const { authThrottle, telemetry } = this.d;
    const network = clientNetwork(client.ip);
    const windowS = this.d.config.policy.authThrottle.windowMs / 1000;
    const check = authThrottle.check(network, user);
    if (!check.allowed) {
      telemetry.authThrottled(check.scope);
      const block = this.d.autoBlock.authFailures({ ip: client.ip, authenticated: false }, authThrottle.refused(network), windowS);
      if (block) {
        authThrottle.forget(network);
        throw this.blockedClient(client.ip, block, 'connect');
      }
      throw this.reject('auth_throttled', 454, AUTH_THROTTLED);
    }
    authThrottle.started(network);
    let ok: boolean;
    try {
      ok = await verifyPassword(password, this.d.passwordHash(user));
    } finally {
      authThrottle.finished(network);
    }
    if (ok) return user;
    telemetry.authFailed();
    const { delayMs, attempts } = authThrottle.failed(network, user);
    const block = this.d.autoBlock.authFailures({ ip: client.ip, authenticated: false }, attempts, windowS);
    if (block) {
      authThrottle.forget(network);
      throw this.blockedClient(client.ip, block, 'connect');
    }
    if (delayMs > 0) await sleep(delayMs);
    throw this.reject('auth_failed', 535, '5.7.8 Error: authentication failed');
  }

  /** Logged in as the site (STARTTLS after the login would have ended it: RFC 3207 §4.2). */
  private isSubmission(client: ClientState, session: SMTPServerSession): boolean {
    return client.submission && session.user === SUBMISSION_USER;
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
    const blocked = this.isSubmission(client, session) ? undefined : this.d.blocklist.matchClient(client.ip);
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
    if (!client.trusted && !this.isSubmission(client, session) && !this.d.limits.allowMessage(client.ip)) {
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
    const blocked = this.isSubmission(client, session) ? undefined : this.d.blocklist.matchClient(client.ip);
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

  /**
   * Receives the message text into the spool as it arrives (spool/incoming-body.ts): in memory
   * while small, into a file of its own once large, pausing the client while the disk catches up.
   */
  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
    const client = this.clients.get(session.id);
    if (!client) {
      callback(smtpError(421, '4.3.0 Error: session state lost'));
      return;
    }
    const { config } = this.d;
    const id = newQueueId();
    const now = new Date();
    const header = receivedHeader({
      helo: session.hostNameAppearsAs || '',
      clientHostname: session.clientHostname,
      clientIp: client.ip,
      hostname: config.smtp.hostname,
      protocol: (session.transmissionType || 'ESMTP') + (session.envelope.smtpUtf8 ? ' (UTF8SMTP)' : ''),
      queueId: id,
      recipients: session.envelope.rcptTo.map((r) => r.address),
      date: now,
    });
    const body = this.d.spool.incoming(id, Buffer.from(header, 'utf8'), config.smtp.maxMessageBytes);
    stream.on('data', (chunk: Buffer) => {
      if (body.write(chunk)) return;
      stream.pause();
      void body.drained().then(() => stream.resume());
    });
    // A client that disconnects mid-DATA destroys the stream: nothing was spooled, nothing is.
    stream.on('error', () => body.discard());
    stream.on('end', () => {
      if (stream.sizeExceeded || body.tooBig) {
        body.discard();
        callback(this.reject('message_too_big', 552, '5.3.4 Message size exceeds fixed limit'));
        return;
      }
      if (body.hasNul) {
        body.discard();
        callback(this.reject('nul_in_message', 554, '5.6.0 Message content rejected: NUL characters are not allowed'));
        return;
      }
      this.spool(id, body, session, client, now).then(
        () => callback(null, `2.0.0 Ok: queued as ${id}`),
        (error: Error) => {
          body.discard();
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

  private async spool(id: string, incoming: IncomingBody, session: SMTPServerSession, client: ClientState, now: Date): Promise<void> {
    const { config, telemetry } = this.d;
    const rcpts = session.envelope.rcptTo.map((r) => r.address);
    const recipients: Recipient[] = rcpts.map((address, idx) => {
      const route = client.routes.get(address.toLowerCase()) ?? { route: 'relay' as const, domain: splitAddress(address).domain, localPart: splitAddress(address).localPart };
      return { idx, address, ...route, state: 'pending', status: null, diagnostic: null };
    });
    const finished = await incoming.finish();
    const text = 'data' in finished ? inMemoryBody(finished.data) : fileBody(finished.file, finished.size);
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    // The priority lane is decided by the login alone; a header claiming it is removed at delivery.
    const lane = this.isSubmission(client, session);
    const inline = !lane && config.scan.inline && this.d.scanInline
      ? await this.d.scanInline({ queueId: id, mailFrom, recipients: rcpts, clientIp: client.ip, helo: session.hostNameAppearsAs || '', message: text })
      : undefined;
    if (inline?.outcome === 'quarantine') {
      this.d.log(`${id}: from=<${mailFrom}> refused at DATA, virus ${inline.result.virus}`);
      throw new Refusal(this.reject('virus', 554, `5.7.1 Message content rejected: virus ${inline.result.virus} found`));
    }
    if (inline?.outcome === 'refuse') {
      this.d.log(`${id}: from=<${mailFrom}> refused at DATA as spam, score ${inline.result.score}`);
      throw new Refusal(this.reject('spam', 550, `5.7.1 Message content rejected as spam (score ${inline.result.score})`));
    }
    // Read before the message is on disk: once it is, nothing may fail between the write and the 250.
    const messageId = await messageIdOf(text).catch(() => undefined);
    const accepted = await this.d.spool.accept({
      id,
      state: inline || lane ? 'deliver' : 'scan',
      scanResult: lane ? laneScanResult() : (inline?.result ?? null),
      scanStart: lane ? Date.now() : (inline?.scanStart ?? null),
      scanEnd: lane ? Date.now() : (inline?.scanEnd ?? null),
      clientIp: client.ip,
      helo: session.hostNameAppearsAs || '',
      mailFrom,
      sourceKey: lane ? SUBMISSION_SOURCE_KEY : client.ip,
      size: finished.size,
      body: 'data' in finished ? finished.data : { file: finished.file },
      receivedAt: client.transactionStartedAt || now.getTime(),
      internal: false,
      recipients,
    });
    // A customer logged in with their own mailbox's credentials: a known sender to the scan queue,
    // and whom they write to becomes known too (mta/reputation).
    accepted.authenticated = Boolean(session.user) && !this.isSubmission(client, session);
    telemetry.accepted(recipients.map(flowOf), lane ? 'submission' : 'standard');
    if (lane) this.d.log(`${id}: from=<${mailFrom}> lane=submission (logged in as ${SUBMISSION_USER}: no content scan, delivered ahead of the scan queue)`);
    this.d.onAccepted(accepted, messageId);
  }
}
