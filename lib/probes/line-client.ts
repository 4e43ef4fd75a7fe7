import net from 'node:net';
import tls from 'node:tls';
import { ProbeFailure } from './types';

// A tiny line-oriented client for the banner-and-login dialogues of POP3 and IMAP (and the IMAP
// banner when no login is asked): read a line, send a command, upgrade to TLS in place.

export class LineClient {
  private buffer = '';
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(
    private socket: net.Socket,
    private readonly label: string,
  ) {
    this.attach(socket);
  }

  static connect(host: string, port: number, options: { implicitTls: boolean; tlsVerify: boolean; label: string; signal: AbortSignal }): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = options.implicitTls ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: options.tlsVerify }) : net.connect({ host, port });
      const onAbort = () => socket.destroy(new ProbeFailure(`no connection to ${host}:${port} in time`));
      options.signal.addEventListener('abort', onAbort, { once: true });
      socket.once(options.implicitTls ? 'secureConnect' : 'connect', () => resolve(new LineClient(socket, options.label)));
      socket.once('error', (error: NodeJS.ErrnoException) => reject(error instanceof ProbeFailure ? error : ProbeFailure.of('connectFailed', { where: `${host}:${port}`, reason: error.code ?? error.message })));
      socket.once('close', () => options.signal.removeEventListener('abort', onAbort));
    });
  }

  private attach(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    socket.on('error', (error) => this.fail(error instanceof ProbeFailure ? error : new ProbeFailure(`${this.label}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
    socket.on('close', () => this.fail(ProbeFailure.of('closed', { where: this.label })));
  }

  private fail(error: Error) {
    this.failure ??= error;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(this.failure);
  }

  private deliver() {
    const end = this.buffer.indexOf('\n');
    if (end < 0 || !this.waiting) return;
    const line = this.buffer.slice(0, end).replace(/\r$/, '');
    this.buffer = this.buffer.slice(end + 1);
    const waiting = this.waiting;
    this.waiting = null;
    waiting.resolve(line);
  }

  readLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.buffer.includes('\n')) {
        this.waiting = { resolve, reject };
        this.deliver();
      } else if (this.failure) reject(this.failure);
      else this.waiting = { resolve, reject };
    });
  }

  /** Reads lines until one starts with `prefix` (IMAP's tagged answer after untagged ones). */
  async readUntil(prefix: string): Promise<string> {
    for (;;) {
      const line = await this.readLine();
      if (line.startsWith(prefix)) return line;
    }
  }

  send(line: string) {
    this.socket.write(`${line}\r\n`);
  }

  /** Upgrades the connection to TLS in place (after the server agreed to STARTTLS / STLS). */
  startTls(host: string, tlsVerify: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.removeAllListeners('data');
      this.socket.removeAllListeners('close');
      this.socket.removeAllListeners('error');
      const secure = tls.connect({ socket: this.socket, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: tlsVerify });
      secure.once('secureConnect', () => {
        this.socket = secure;
        this.buffer = '';
        this.attach(secure);
        resolve();
      });
      secure.once('error', (error: NodeJS.ErrnoException) => reject(new ProbeFailure(`${this.label} TLS: ${error.code ?? error.message}`)));
    });
  }

  close() {
    this.socket.destroy();
  }
}
