import SMTPConnection from 'nodemailer/lib/smtp-connection';
import DKIM from 'nodemailer/lib/dkim';
import { Readable } from 'node:stream';

// The fan-out's SMTP client: a fixed set of nodemailer SMTPConnection sessions, each reused for
// message after message. nodemailer's pooled transport runs every message through its composer
// and plugin pipeline; with copies already built (mime.ts) that pipeline was the bottleneck
// (≈900 msg/s against smtp-sink here, versus ≈2,700 msg/s for the same connections used directly).
// Connection handling (STARTTLS, AUTH, timeouts, dot-stuffing, reply parsing) stays nodemailer's.

export interface SmtpFailure extends Error {
  responseCode?: number;
  code?: string;
}

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

interface Session {
  connection: SMTPConnection;
  alive: boolean;
}

export class SmtpSender {
  private readonly options: ConstructorParameters<typeof SMTPConnection>[0];
  private readonly auth: { user: string; pass: string } | null;
  private readonly idle: Session[] = [];
  private readonly waiting: ((s: Session | null) => void)[] = [];
  private open = 0;
  private closed = false;
  private readonly dkim: DKIM | null;

  constructor(url: string, private readonly size: number, dkim: DkimSettings | null = null, name?: string) {
    const u = new URL(url);
    const secure = u.protocol === 'smtps:';
    this.options = {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port || (secure ? 465 : 25)),
      secure,
      name,
      // The bundled MTA on loopback has no certificate; STARTTLS stays opportunistic.
      tls: { rejectUnauthorized: false },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    };
    this.auth = u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : null;
    this.dkim = dkim ? new DKIM(dkim) : null;
  }

  /**
   * Sends one message; rejects with nodemailer's error (responseCode set for SMTP replies).
   * `beforeEndOfData` runs once the server has accepted the envelope and the whole message is
   * queued on the socket, just before the final "." that makes the server take the message: a
   * client that dies before that dot leaves the server with nothing (RFC 5321 §4.1.1.4), so a
   * caller can record the hand-over durably first. If it throws, the dot is never sent.
   */
  async send(envelope: { from: string; to: string[] }, raw: string, beforeEndOfData?: () => Promise<void>): Promise<void> {
    // DKIM needs the whole message before it emits a byte, so it is signed up front.
    const signed = this.dkim ? await streamToString(this.dkim.sign(raw)) : raw;
    const session = await this.acquire();
    try {
      await new Promise<void>((resolve, reject) => session.connection.send(envelope, messageStream(signed, beforeEndOfData), (error) => (error ? reject(error) : resolve())));
      this.release(session);
    } catch (error) {
      const e = error as SmtpFailure;
      // An SMTP reply (450, 550…) leaves the session usable after RSET; anything else, including
      // an abandoned DATA, ends it.
      if (e.responseCode && session.alive) {
        session.connection.reset((resetError) => (resetError ? this.discard(session) : this.release(session)));
      } else {
        this.discard(session);
      }
      throw error;
    }
  }

  close() {
    this.closed = true;
    for (const s of this.idle.splice(0)) s.connection.quit();
    for (const w of this.waiting.splice(0)) w(null);
  }

  private async acquire(): Promise<Session> {
    if (this.closed) throw new Error('the SMTP sender is closed');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open < this.size) {
      this.open++;
      try {
        return await this.connect();
      } catch (error) {
        this.open--;
        throw error;
      }
    }
    const session = await new Promise<Session | null>((resolve) => this.waiting.push(resolve));
    if (!session) throw new Error('the SMTP sender is closed');
    return session;
  }

  private release(session: Session) {
    if (!session.alive) return this.discard(session);
    const waiter = this.waiting.shift();
    if (waiter) waiter(session);
    else this.idle.push(session);
  }

  private discard(session: Session) {
    if (session.alive) {
      session.alive = false;
      session.connection.close();
    }
    this.open--;
    const i = this.idle.indexOf(session);
    if (i >= 0) this.idle.splice(i, 1);
    // Someone is waiting for a session: let them open a fresh one.
    const waiter = this.waiting.shift();
    if (waiter) {
      this.open++;
      this.connect().then(waiter, () => {
        this.open--;
        waiter(null);
      });
    }
  }

  private connect(): Promise<Session> {
    return new Promise((resolve, reject) => {
      const connection = new SMTPConnection(this.options);
      const session: Session = { connection, alive: true };
      const dead = () => {
        if (!session.alive) return;
        session.alive = false;
        const i = this.idle.indexOf(session);
        if (i >= 0) {
          this.idle.splice(i, 1);
          this.open--;
        }
      };
      connection.on('error', dead);
      connection.on('end', dead);
      connection.connect((error) => {
        if (error) return reject(error);
        if (!this.auth) return resolve(session);
        connection.login(this.auth, (loginError) => (loginError ? reject(loginError) : resolve(session)));
      });
    });
  }
}

/** The message as a stream that waits for `beforeEnd` between its content and its end. */
function messageStream(raw: string, beforeEnd?: () => Promise<void>): Readable | string {
  if (!beforeEnd) return raw;
  let stage: 'content' | 'waiting' | 'done' = 'content';
  return new Readable({
    read() {
      if (stage === 'content') {
        stage = 'waiting';
        this.push(raw);
      } else if (stage === 'waiting') {
        stage = 'done';
        beforeEnd().then(
          () => this.push(null),
          (error: Error) => this.destroy(error),
        );
      }
    },
  });
}

function streamToString(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
