// A local SMTP server playing a large mailbox provider for the relay tests: it counts the
// sessions it has open at once and in all, notes when each message arrived, takes a moment per
// message (so that concurrent deliveries overlap), and can be told to throttle: new connections get
// "421 4.7.0 Try again later" and sessions already open get "451 4.7.0" at MAIL FROM, as
// Gmail's and Yahoo's servers answer a sender that comes too fast.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ProviderSink {
  port: number;
  /** the destination name the MTA gives it in /metrics and the admin API */
  destination: string;
  /** recipient and arrival time (ms) of each message accepted */
  received: Array<{ to: string; at: number }>;
  /** sessions accepted, in all */
  sessions: number;
  /** connections refused with 421 while throttled */
  refused: number;
  /** the most sessions open at the same time */
  maxConcurrent: number;
  throttle(on: boolean): void;
  stop(): Promise<void>;
}

export async function startProviderSink(options: { perMessageMs?: number } = {}): Promise<ProviderSink> {
  const open = new Set<string>();
  let throttled = false;
  const state = { received: [] as Array<{ to: string; at: number }>, sessions: 0, refused: 0, maxConcurrent: 0 };
  const tempFailure = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // No reverse lookup of the client: offline it only adds a random wait to every new session.
    disableReverseLookup: true,
    onConnect(session, callback) {
      if (throttled) {
        state.refused++;
        return callback(tempFailure(421, '4.7.0 Try again later, closing connection'));
      }
      open.add(session.id);
      state.sessions++;
      state.maxConcurrent = Math.max(state.maxConcurrent, open.size);
      callback();
    },
    onClose(session) {
      open.delete(session.id);
    },
    onMailFrom(_address, _session, callback) {
      if (throttled) return callback(tempFailure(451, '4.7.0 Temporary rate limit, try again later'));
      callback();
    },
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        setTimeout(() => {
          for (const rcpt of session.envelope.rcptTo) state.received.push({ to: rcpt.address, at: Date.now() });
          callback();
        }, options.perMessageMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    destination: `127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    get sessions() {
      return state.sessions;
    },
    get refused() {
      return state.refused;
    },
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    throttle(on: boolean) {
      throttled = on;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
