import { dkimSign, type DkimSignSettings } from './dkim-sign';
import { SmtpSession, type SmtpFailure, type SmtpSessionOptions } from './session';
import { smtpClientSettings } from './url';

// The fan-out's SMTP client: a fixed set of sessions (session.ts), each reused for message
// after message. nodemailer's pooled transport runs every message through its composer and plugin
// pipeline; with copies already built (lib/mime/message.ts) that pipeline was the bottleneck
// (≈900 msg/s against smtp-sink here, versus ≈2,700 msg/s for plain sessions, and more with
// pipelining).

export type { SmtpFailure };

/**
 * The same shape as nodemailer's DKIM option (the site's transport takes it as it is). A KeyObject
 * is parsed once; a PEM string is parsed again for every signature (≈0.6 ms for RSA 2048).
 */
export type DkimSettings = DkimSignSettings;

export class SmtpSender {
  private readonly options: SmtpSessionOptions;
  private readonly idle: SmtpSession[] = [];
  private readonly waiting: { resolve: (s: SmtpSession) => void; reject: (e: Error) => void }[] = [];
  private open = 0;
  private closed = false;
  private readonly dkim: DkimSettings | null;

  /**
   * @param options.dataDir DATA_DIR: where the bundled MTA's submission credential is found
   *   (url.ts); without it no credential but the URL's own is ever offered.
   */
  constructor(url: string, private readonly size: number, dkim: DkimSettings | null = null, options: { name?: string; dataDir?: string } = {}) {
    const settings = smtpClientSettings(url, options.dataDir);
    this.options = {
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      startTls: settings.startTls,
      requireTls: settings.requireTls,
      tls: settings.tls,
      name: options.name,
      auth: settings.auth,
      optionalAuth: settings.localCredential,
      connectionTimeoutMs: 30_000,
      socketTimeoutMs: 60_000,
    };
    this.dkim = dkim;
  }

  /**
   * Sends one message; rejects with an SmtpFailure (responseCode set for SMTP replies).
   * `beforeEndOfData`: see SmtpSession.send. If it throws, the dot is never sent.
   */
  async send(envelope: { from: string; to: string[] }, raw: string, beforeEndOfData?: () => Promise<void>): Promise<void> {
    // DKIM needs the whole message before it emits a byte, so it is signed up front.
    const signed = this.dkim ? await dkimSign(raw, this.dkim) : raw;
    const session = await this.acquire();
    try {
      await session.send(envelope, signed, beforeEndOfData);
      this.release(session);
    } catch (error) {
      // An SMTP reply (450, 550…) leaves the session usable after RSET; anything else, including
      // an abandoned DATA, ends it.
      if ((error as SmtpFailure).responseCode && session.alive) {
        session.reset().then(
          () => this.release(session),
          () => this.discard(session),
        );
      } else {
        this.discard(session);
      }
      throw error;
    }
  }

  close() {
    this.closed = true;
    for (const s of this.idle.splice(0)) s.quit();
    for (const w of this.waiting.splice(0)) w.reject(new Error('the SMTP sender is closed'));
  }

  private async acquire(): Promise<SmtpSession> {
    if (this.closed) throw new Error('the SMTP sender is closed');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open < this.size) {
      this.open++;
      try {
        return await this.connect();
      } catch (error) {
        this.open--;
        this.wakeWaiter();
        throw error;
      }
    }
    return new Promise<SmtpSession>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(session: SmtpSession) {
    if (!session.alive) return this.discard(session);
    if (this.closed) {
      this.open--;
      return session.quit();
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(session);
    else this.idle.push(session);
  }

  private discard(session: SmtpSession) {
    session.close();
    this.open--;
    const i = this.idle.indexOf(session);
    if (i >= 0) this.idle.splice(i, 1);
    this.wakeWaiter();
  }

  /** A session slot came free: someone waiting for a session opens a fresh one. */
  private wakeWaiter() {
    const waiter = this.waiting.shift();
    if (!waiter) return;
    this.open++;
    this.connect().then(waiter.resolve, (error: Error) => {
      this.open--;
      waiter.reject(error);
      // The next one in line tries too: the server may be back, and nobody is left waiting forever.
      this.wakeWaiter();
    });
  }

  private async connect(): Promise<SmtpSession> {
    let session: SmtpSession | null = null;
    // An idle session the server hung up on leaves the pool at once; one in use is discarded by send.
    session = await SmtpSession.open(this.options, () => {
      const i = session ? this.idle.indexOf(session) : -1;
      if (i < 0) return;
      this.idle.splice(i, 1);
      this.open--;
    });
    return session;
  }
}
