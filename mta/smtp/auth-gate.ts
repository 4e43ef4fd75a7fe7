// smtp-server decides for the whole server whether AUTH may come before STARTTLS
// (allowInsecureAuth). The MTA decides per session: a client on loopback may log in without TLS
// (local submission: the site and the notice worker on this host, as Postfix operators allow on
// loopback), every other client only inside TLS. The server is configured to allow it
// everywhere; this puts smtp-server's own refusal back for the sessions that may not, around
// SMTPConnection#handler_AUTH (smtp-server-internals.ts: pinned release).
import type { SMTPServerSession } from 'smtp-server';
import { connectionPrototype, originalMethod } from './smtp-server-internals.js';

type MayLogInWithoutTls = (session: SMTPServerSession) => boolean;

interface ConnectionInternals {
  secure: boolean;
  session: SMTPServerSession;
  send(code: number, message: string): void;
}

let mayLogInWithoutTls: MayLogInWithoutTls = () => false;
let installed = false;

export function installAuthGate(choose: MayLogInWithoutTls): void {
  mayLogInWithoutTls = choose;
  if (installed) return;
  installed = true;
  type HandleAuth = (this: ConnectionInternals, command: unknown, callback: () => void) => void;
  const handleAuth = originalMethod<HandleAuth>(connectionPrototype, 'handler_AUTH');
  connectionPrototype.handler_AUTH = function (this: ConnectionInternals, command: unknown, callback: () => void) {
    if (!this.secure && !mayLogInWithoutTls(this.session)) {
      this.send(538, 'Error: Must issue a STARTTLS command first');
      return callback();
    }
    return handleAuth.call(this, command, callback);
  };
}
