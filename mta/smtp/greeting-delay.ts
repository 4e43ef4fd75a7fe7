// smtp-server holds back its 220 greeting for a fixed 100 ms to catch clients that talk before
// they are greeted (a spambot trait, like Postfix's postscreen "pregreet" test). For a mail
// client that sends one message per connection that 100 ms is most of the time the message
// takes, so the delay is chosen per client: none for trusted networks, MTA_GREETING_DELAY_MS
// for everyone else. smtp-server has no option for it, so SMTPConnection#init is replaced by the
// same steps with that one change (smtp-server-internals.ts: pinned release). onConnect cannot do
// it: it runs after smtp-server's own 100 ms.
import { connectionPrototype, originalMethod } from './smtp-server-internals.js';

type DelayFor = (remoteAddress: string) => number;

interface ConnectionInternals {
  remoteAddress: string;
  _server: { options: { maxClients?: number }; connections: Set<unknown> };
  name: string;
  _setListeners(done: () => void): void;
  connectionReady(): void;
  send(code: number, message: string, context?: unknown): void;
}

let delayFor: DelayFor = () => 100;
let installed = false;

export function installGreetingDelay(choose: DelayFor): void {
  delayFor = choose;
  if (installed) return;
  installed = true;
  for (const used of ['init', '_setListeners', 'connectionReady', 'send']) originalMethod(connectionPrototype, used);
  connectionPrototype.init = function init(this: ConnectionInternals) {
    this._setListeners(() => {
      const { maxClients } = this._server.options;
      if (maxClients && this._server.connections.size > maxClients) {
        this.send(421, `${this.name} Too many connected clients, try again in a moment`, false);
        return;
      }
      const delay = delayFor(this.remoteAddress);
      if (delay <= 0) {
        this.connectionReady();
        return;
      }
      setTimeout(() => this.connectionReady(), delay).unref();
    });
  };
}
