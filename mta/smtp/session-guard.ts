// Limits smtp-server does not have, added to its connection and parser classes (as
// greeting-delay.ts does for the greeting; smtp-server-internals.ts: pinned release):
//
// - A deadline per request (Postfix's smtpd_per_request_deadline with smtpd_min_data_rate). The
//   idle timeout alone restarts with every byte, so a client sending one byte every 100 s held a
//   connection for ever. A command line, or a message from its first byte to the final dot, must
//   now arrive within timeout + bytes / minDataRate of its first byte: a slow link still gets its
//   message through, a trickle does not. "421 4.4.2 <host> Error: timeout exceeded".
// - A session deadline: however busy a client keeps it (a NOOP every minute), a connection ends
//   sessionTimeoutMs after it was opened, between transactions: a message being received is
//   finished and answered first. "421 4.4.2 <host> Error: session time limit exceeded".
// - No message text before the 354 (Postfix's reject_unauth_pipelining): RFC 2920 lets a client
//   send MAIL, RCPT and DATA together, but DATA ends the group; text that arrived with the DATA
//   command was written before the client could know whether its envelope was accepted. Taking
//   it would let a careless or hostile client have its message text read as commands (or the
//   reverse), so such a DATA is refused instead of answered with 354, and the connection closed
//   without reading further.
import { connectionPrototype, originalMethod, streamPrototype } from './smtp-server-internals.js';

export interface SessionGuardSettings {
  hostname: string;
  /** the base of every request deadline (MTA_SOCKET_TIMEOUT_S) */
  timeoutMs: number;
  /** bytes per second that extend a request's deadline; 0 = no request deadline */
  minDataRate: number;
  sessionTimeoutMs: number;
}

interface Connection {
  _socket: { destroyed: boolean };
  session: { envelope?: { mailFrom: unknown; rcptTo?: unknown[] } };
  _parser: (Parser & object) | false;
  _dataStream: unknown;
  _handlerPending: boolean;
  _closing: boolean;
  _closed: boolean;
  send(code: number, message: string, context?: unknown): void;
  close(): void;
  _guard?: Guard;
}

interface Parser {
  _dataMode: boolean;
  _remainder: string;
  isClosed: boolean;
  writableLength: number;
  /** Node's Writable state: writelen is the read being parsed, which writableLength counts too */
  _writableState?: { writelen?: number };
  _connection?: Connection;
  /** the read being parsed has a DATA command line with more text after it */
  _textAfterData?: boolean;
}

/** A DATA command line with anything at all after it. */
const DATA_THEN_MORE = /(?:^|\n)DATA[ \t]*\r?\n[\s\S]/i;

let settings: SessionGuardSettings = { hostname: 'localhost', timeoutMs: 300_000, minDataRate: 0, sessionTimeoutMs: 0 };
let installed = false;

/** How often an expired session is looked at again until it is between transactions. */
const EXPIRED_POLL_MS = 1000;

class Guard {
  private requestStart = 0;
  private requestBytes = 0;
  private requestTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  expired = false;

  constructor(private readonly conn: Connection) {
    if (settings.sessionTimeoutMs > 0) {
      this.sessionTimer = setTimeout(() => this.sessionDeadline(), settings.sessionTimeoutMs);
      this.sessionTimer.unref();
    }
  }

  /** Bytes from the client reached the parser, which is about to read them. */
  received(parser: Parser, bytes: number): void {
    if (settings.minDataRate <= 0) return;
    const now = Date.now();
    // What came before is all read and answered: these bytes start a new request.
    if (!this.pending(parser)) {
      this.requestStart = now;
      this.requestBytes = 0;
    }
    this.requestBytes += bytes;
    this.arm(now);
  }

  stop(): void {
    clearTimeout(this.requestTimer);
    clearTimeout(this.sessionTimer);
  }

  /** A command or a message is part way in: a partial line, or the text before the final dot. */
  private pending(parser: Parser | false): boolean {
    return Boolean(parser) && ((parser as Parser)._dataMode || (parser as Parser)._remainder.length > 0);
  }

  private deadline(): number {
    return this.requestStart + settings.timeoutMs + (this.requestBytes * 1000) / settings.minDataRate;
  }

  private arm(now: number): void {
    clearTimeout(this.requestTimer);
    this.requestTimer = setTimeout(() => this.check(), Math.max(0, this.deadline() - now) + 5);
    this.requestTimer.unref();
  }

  private check(): void {
    const { conn } = this;
    if (conn._closing || conn._closed || !this.pending(conn._parser)) return;
    const now = Date.now();
    if (now < this.deadline()) return this.arm(now);
    conn.send(421, `4.4.2 ${settings.hostname} Error: timeout exceeded`);
  }

  /** Between transactions: nothing received part way, no envelope, nothing the server owes. */
  private idle(): boolean {
    const { conn } = this;
    return !this.pending(conn._parser) && !conn._dataStream && !conn._handlerPending && !conn.session.envelope?.mailFrom;
  }

  private sessionDeadline(): void {
    const { conn } = this;
    if (conn._closing || conn._closed) return;
    this.expired = true;
    if (this.idle()) {
      conn.send(421, `4.4.2 ${settings.hostname} Error: session time limit exceeded`);
      return;
    }
    this.sessionTimer = setTimeout(() => this.sessionDeadline(), EXPIRED_POLL_MS);
    this.sessionTimer.unref();
  }
}

export function installSessionGuard(chosen: SessionGuardSettings): void {
  settings = chosen;
  if (installed) return;
  installed = true;
  type ConnectionMethod = (this: Connection, ...args: unknown[]) => unknown;
  type ParserMethod = (this: Parser, ...args: unknown[]) => unknown;
  const connection = connectionPrototype as Record<string, ConnectionMethod>;
  const stream = streamPrototype as Record<string, ParserMethod>;

  // The parser is made in the constructor and again after STARTTLS: each knows its connection.
  const createParser = originalMethod<ConnectionMethod>(connectionPrototype, '_createParser');
  connection._createParser = function (this: Connection) {
    const parser = createParser.call(this) as Parser;
    parser._connection = this;
    return parser;
  };

  const setListeners = originalMethod<ConnectionMethod>(connectionPrototype, '_setListeners');
  connection._setListeners = function (this: Connection, ...args: unknown[]) {
    this._guard = new Guard(this);
    return setListeners.apply(this, args);
  };

  const onClose = originalMethod<ConnectionMethod>(connectionPrototype, '_onClose');
  connection._onClose = function (this: Connection) {
    this._guard?.stop();
    return onClose.call(this);
  };

  const onCommand = originalMethod<ConnectionMethod>(connectionPrototype, '_onCommand');
  connection._onCommand = function (this: Connection, command: unknown, callback: unknown) {
    if (this._guard?.expired) {
      this.send(421, `4.4.2 ${settings.hostname} Error: session time limit exceeded`);
      return;
    }
    return onCommand.call(this, command, callback);
  };

  // DATA would be answered with 354 (it has recipients): not if text came with it. The text is
  // either in the same read as the command, or in reads queued behind it.
  const handleData = originalMethod<ConnectionMethod>(connectionPrototype, 'handler_DATA');
  connection.handler_DATA = function (this: Connection, command: unknown, callback: unknown) {
    const parser = this._parser;
    const queuedBehind = parser ? parser.writableLength - (parser._writableState?.writelen ?? parser.writableLength) : 0;
    const early = parser && (parser._textAfterData || queuedBehind > 0);
    if (early && this.session.envelope?.rcptTo?.length) {
      parser.isClosed = true;
      this.send(503, '5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining');
      this.close();
      return (callback as () => void)();
    }
    return handleData.call(this, command, callback);
  };

  const write = originalMethod<ParserMethod>(streamPrototype, '_write');
  stream._write = function (this: Parser, chunk: unknown, encoding: unknown, next: unknown) {
    const buffer = chunk as Buffer | undefined;
    const bytes = buffer?.length ?? 0;
    if (bytes > 0 && !this._dataMode) {
      // Only the line ends around DATA matter, so a partial line left over is enough context.
      this._textAfterData = DATA_THEN_MORE.test(this._remainder.slice(-8) + buffer!.toString('latin1'));
    }
    const conn = this._connection;
    if (bytes > 0 && conn?._guard && !this.isClosed) conn._guard.received(this, bytes);
    return write.call(this, chunk, encoding, next);
  };
}
