import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

// One SMTP client session for the fan-out, kept open for message after message.
//
// Why not nodemailer's SMTPConnection (used before): it sends MAIL, RCPT and DATA one at a time,
// each waiting for its reply, and writes the message through a dot-stuffing stream, so a copy cost
// five socket writes and four round trips. With RFC 2920 PIPELINING (Postfix, the bundled MTA and
// nearly every server offer it) a copy is two writes: MAIL + RCPT + DATA together, then the
// message and its final dot together. On loopback each write costs the kernel about as much as
// building the copy, so this is most of the difference in bench:notify. nodemailer still signs
// with DKIM (sender.ts) and sends every other mail of the site.
//
// Supported: implicit TLS (smtps://), STARTTLS, AUTH PLAIN and LOGIN, SMTPUTF8 for non-ASCII
// addresses, servers without PIPELINING (commands one at a time), multi-line replies. Server
// certificates are verified unless tls.rejectUnauthorized is false (url.ts decides).

export interface SmtpSessionOptions {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. Otherwise STARTTLS when the server offers it (startTls). */
  secure: boolean;
  /** Upgrade with STARTTLS when the server offers it; true unless said otherwise. */
  startTls?: boolean;
  /** Give up rather than go on (and send a password) without TLS. */
  requireTls?: boolean;
  /** Certificate checks: verified by default; `ca` is trusted besides the system's CAs. */
  tls?: { rejectUnauthorized?: boolean; ca?: string };
  /** The name given in EHLO; the host name by default. */
  name?: string;
  /** Log in with these; a server that offers no AUTH fails the session. */
  auth?: { user: string; pass: string } | null;
  /** Log in with these only when the server offers AUTH (the bundled MTA's local credential). */
  optionalAuth?: () => { user: string; pass: string } | null;
  connectionTimeoutMs?: number;
  /** No reply for this long: the session is dropped. */
  socketTimeoutMs?: number;
}

/** An SMTP reply, or a broken connection (no responseCode), as the caller sees it. */
export interface SmtpFailure extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
}

interface Reply {
  code: number;
  text: string;
}

function failure(message: string, fields: Partial<SmtpFailure> = {}): SmtpFailure {
  return Object.assign(new Error(message), fields);
}

const replyFailure = (stage: string, reply: Reply) => failure(`${stage}: ${reply.code} ${reply.text}`, { responseCode: reply.code, response: `${reply.code} ${reply.text}`, code: 'EENVELOPE' });

/** RFC 5321 §4.5.2: a line that starts with "." gets one more; the message ends with CRLF. */
export function dotStuff(raw: string): string {
  const stuffed = raw.replace(/(^|\n)\./g, '$1..');
  return stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`;
}

export class SmtpSession {
  alive = true;
  private socket: net.Socket;
  private buffer = '';
  private lines: string[] = [];
  private readonly pending: { resolve: (r: Reply) => void; reject: (e: SmtpFailure) => void }[] = [];
  private extensions = new Set<string>();
  private authMethods = new Set<string>();
  private closedWith: SmtpFailure | null = null;

  private constructor(
    socket: net.Socket,
    private readonly options: SmtpSessionOptions,
    private readonly onClose: () => void,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects, reads the greeting, says EHLO, upgrades with STARTTLS and logs in as configured. */
  static async open(options: SmtpSessionOptions, onClose: () => void = () => {}): Promise<SmtpSession> {
    const socket = await connect(options);
    const session = new SmtpSession(socket, options, onClose);
    try {
      await session.handshake();
      return session;
    } catch (error) {
      session.close();
      // A refusal here (a 554 greeting, a failed login) is about the connection, not about any
      // recipient: without its responseCode the copy waiting for it is retried later, never
      // counted as a hard bounce of that subscriber.
      const { responseCode: _, ...rest } = error as SmtpFailure;
      throw Object.assign(new Error((error as Error).message), rest, { code: (error as SmtpFailure).code ?? 'ECONNECTION' });
    }
  }

  /**
   * Sends one message. `beforeEndOfData` runs once the server has accepted the envelope (354),
   * just before the message and the final "." that makes the server take it are written: a client
   * that dies before that dot leaves the server with nothing (RFC 5321 §4.1.1.4), so a caller can
   * record the hand-over durably first. If it throws, the session is closed and the dot never sent.
   */
  async send(envelope: { from: string; to: string[] }, raw: string, beforeEndOfData?: () => Promise<void>): Promise<void> {
    if (!envelope.to.length) throw failure('no recipients', { code: 'EENVELOPE' });
    const utf8 = [envelope.from, ...envelope.to].some((a) => /[^\x00-\x7f]/.test(a));
    if (utf8 && !this.extensions.has('SMTPUTF8')) throw failure('the server does not accept non-ASCII addresses (no SMTPUTF8)', { responseCode: 553, code: 'EENVELOPE' });
    const commands = [`MAIL FROM:<${envelope.from}>${utf8 ? ' SMTPUTF8' : ''}`, ...envelope.to.map((to) => `RCPT TO:<${to}>`), 'DATA'];
    const replies = this.extensions.has('PIPELINING') ? await Promise.all(this.commands(commands)) : await this.oneByOne(commands);
    const [mail, data] = [replies[0]!, replies[replies.length - 1]!];
    const rcpts = replies.slice(1, -1);
    const accepted = rcpts.some((r) => r.code === 250 || r.code === 251);
    if (data.code === 354 && (mail.code !== 250 || !accepted)) {
      // A server that answered DATA although it refused the envelope: end the empty message.
      await this.command('.');
    }
    if (mail.code !== 250) throw replyFailure('MAIL FROM refused', mail);
    if (!accepted) throw replyFailure('recipient refused', rcpts.find((r) => r.code !== 250 && r.code !== 251)!);
    if (data.code !== 354) throw replyFailure('DATA refused', data);
    const body = dotStuff(raw);
    if (beforeEndOfData) {
      try {
        await beforeEndOfData();
      } catch (error) {
        // The only way to abandon DATA without the server keeping a message is to hang up.
        this.close();
        throw error;
      }
    }
    // The connection may have dropped while the hook ran: then the dot never leaves, and the
    // caller must know the server has nothing (ENOTSENT), not treat it as a lost reply.
    if (!this.alive) throw failure(`the message was not sent: ${this.closedWith?.message ?? 'the session ended'}`, { code: 'ENOTSENT' });
    const reply = await this.command(`${body}.`);
    if (reply.code !== 250) throw replyFailure('message refused', reply);
  }

  /** After a refused message: a clean slate for the next one. */
  async reset(): Promise<void> {
    const reply = await this.command('RSET');
    if (reply.code !== 250) throw replyFailure('RSET refused', reply);
  }

  /** Says goodbye; a server that does not answer within a second is hung up on. */
  quit() {
    if (!this.alive) return;
    const timer = setTimeout(() => this.close(), 1000).unref();
    this.command('QUIT').finally(() => (clearTimeout(timer), this.close())).catch(() => {});
  }

  close() {
    this.fail(failure('the session was closed', { code: 'ECONNECTION' }));
    this.socket.destroy();
  }

  private async handshake() {
    const greeting = await this.read();
    if (greeting.code !== 220) throw replyFailure('greeting', greeting);
    await this.hello();
    if (!(this.socket instanceof tls.TLSSocket) && this.extensions.has('STARTTLS') && this.options.startTls !== false) {
      const reply = await this.command('STARTTLS');
      if (reply.code !== 220) throw replyFailure('STARTTLS refused', reply);
      // Anything the server sent after its 220 would be read as if it had come over TLS.
      if (this.buffer) throw failure('the server sent data after agreeing to STARTTLS', { code: 'EPROTOCOL' });
      this.detach(this.socket);
      this.socket = await upgrade(this.socket, this.options);
      this.attach(this.socket);
      await this.hello();
    }
    if (this.options.requireTls && !(this.socket instanceof tls.TLSSocket)) {
      throw failure('the server does not offer STARTTLS, and credentials are never sent without TLS', { code: 'ETLS' });
    }
    const auth = this.options.auth ?? (this.extensions.has('AUTH') ? this.options.optionalAuth?.() : null);
    if (auth) await this.login(auth);
  }

  private async hello() {
    const name = this.options.name ?? os.hostname();
    let reply = await this.command(`EHLO ${name}`);
    this.extensions = new Set();
    this.authMethods = new Set();
    if (reply.code >= 500) {
      reply = await this.command(`HELO ${name}`);
      if (reply.code !== 250) throw replyFailure('HELO refused', reply);
      return;
    }
    if (reply.code !== 250) throw replyFailure('EHLO refused', reply);
    for (const line of reply.text.split('\n').slice(1)) {
      const [keyword = '', ...params] = line.trim().toUpperCase().split(/[\s=]+/);
      this.extensions.add(keyword);
      if (keyword === 'AUTH') params.forEach((p) => this.authMethods.add(p));
    }
  }

  private async login({ user, pass }: { user: string; pass: string }) {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    let reply: Reply;
    if (this.authMethods.has('PLAIN')) {
      reply = await this.command(`AUTH PLAIN ${b64(`\0${user}\0${pass}`)}`);
    } else if (this.authMethods.has('LOGIN')) {
      reply = await this.command('AUTH LOGIN');
      if (reply.code === 334) reply = await this.command(b64(user));
      if (reply.code === 334) reply = await this.command(b64(pass));
    } else {
      throw failure('the server offers neither AUTH PLAIN nor AUTH LOGIN', { code: 'EAUTH' });
    }
    // The reply, not the credentials, goes into the error.
    if (reply.code !== 235) throw Object.assign(replyFailure('authentication failed', reply), { code: 'EAUTH' });
  }

  private async oneByOne(commands: string[]): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (const c of commands) {
      const reply = await this.command(c);
      replies.push(reply);
      // Without pipelining, stop at the first refusal; the rest are answered as "not sent".
      if (reply.code >= 400) return [...replies, ...commands.slice(replies.length).map(() => ({ code: 503, text: 'not sent' }))];
    }
    return replies;
  }

  /** Writes the commands in one go; each promise settles with its own reply, in order. */
  private commands(lines: string[]): Promise<Reply>[] {
    const replies = lines.map(() => this.read());
    if (this.alive) this.socket.write(`${lines.join('\r\n')}\r\n`);
    return replies;
  }

  private command(line: string): Promise<Reply> {
    return this.commands([line])[0]!;
  }

  private read(): Promise<Reply> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  private readonly onData = (chunk: string) => {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      this.lines.push(line);
      // "250-…" continues a reply, "250 …" (or a bare "250") ends it.
      const wellFormed = /^[2-5]\d\d([ -]|$)/.test(line);
      if (wellFormed && line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: this.lines.map((l) => l.slice(4)).join('\n') };
      this.lines = [];
      const waiter = this.pending.shift();
      if (!wellFormed || !waiter) {
        this.fail(failure(`unexpected reply from the server: ${line.slice(0, 200)}`, { code: 'EPROTOCOL' }));
        this.socket.destroy();
        return;
      }
      waiter.resolve(reply);
    }
  };

  private readonly onError = (error: Error) => this.fail(failure(`connection error: ${error.message}`, { code: 'ECONNECTION' }));
  private readonly onEnd = () => this.fail(failure('the server closed the connection', { code: 'ECONNECTION' }));
  private readonly onTimeout = () => {
    this.fail(failure('no reply from the server in time', { code: 'ETIMEDOUT' }));
    this.socket.destroy();
  };

  private attach(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.setTimeout(this.options.socketTimeoutMs ?? 60_000);
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onEnd);
    socket.on('timeout', this.onTimeout);
  }

  private detach(socket: net.Socket) {
    socket.setTimeout(0);
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onEnd);
    socket.off('timeout', this.onTimeout);
  }

  private fail(error: SmtpFailure) {
    if (this.closedWith) return;
    this.closedWith = error;
    this.alive = false;
    for (const w of this.pending.splice(0)) w.reject(error);
    this.onClose();
  }
}

/** TLS options for a connection to o.host: its name (or IP address) is what the certificate must show. */
function tlsOptions(o: SmtpSessionOptions): tls.ConnectionOptions {
  return { host: o.host, servername: net.isIP(o.host) ? undefined : o.host, rejectUnauthorized: o.tls?.rejectUnauthorized !== false, ...(o.tls?.ca ? { ca: [...tls.rootCertificates, o.tls.ca] } : {}) };
}

function connect(o: SmtpSessionOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = o.secure ? tls.connect({ ...tlsOptions(o), port: o.port }) : net.connect({ host: o.host, port: o.port });
    const timer = setTimeout(() => (socket.destroy(), reject(failure(`could not connect to ${o.host}:${o.port} in time`, { code: 'ETIMEDOUT' }))), o.connectionTimeoutMs ?? 30_000);
    socket.once(o.secure ? 'secureConnect' : 'connect', () => (clearTimeout(timer), socket.off('error', onError), resolve(socket)));
    const onError = (error: Error) => (clearTimeout(timer), reject(failure(`could not connect to ${o.host}:${o.port}: ${error.message}`, { code: 'ECONNECTION' })));
    socket.once('error', onError);
  });
}

function upgrade(socket: net.Socket, o: SmtpSessionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secured = tls.connect({ ...tlsOptions(o), socket }, () => {
      clearTimeout(timer);
      secured.off('error', onError);
      resolve(secured);
    });
    const giveUp = (error: SmtpFailure) => {
      clearTimeout(timer);
      secured.destroy();
      socket.destroy();
      reject(error);
    };
    // The plain socket's timeout is off from here: a server that goes quiet mid-handshake must not hold the session forever.
    const timer = setTimeout(() => giveUp(failure('STARTTLS: no TLS handshake in time', { code: 'ETIMEDOUT' })), o.connectionTimeoutMs ?? 30_000);
    const onError = (error: Error) => giveUp(failure(`STARTTLS failed: ${error.message}`, { code: 'ETLS' }));
    secured.once('error', onError);
  });
}
