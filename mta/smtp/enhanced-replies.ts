// smtp-server picks an enhanced status code from the reply code alone (550 -> 5.1.1, 554 ->
// 5.6.0), which is wrong for most policy replies ("554 5.7.1 Relay access denied"). Our handlers
// put the exact code at the start of the message, as Postfix words it; this makes smtp-server use
// that one instead of adding its own in front (hideENHANCEDSTATUSCODES would drop the codes of
// every reply smtp-server words itself, such as "250 2.1.0 Accepted"). smtp-server has no option
// for it: SMTPConnection#send is wrapped (smtp-server-internals.ts: pinned release).
import { connectionPrototype, originalMethod } from './smtp-server-internals.js';

const OWN_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;
let installed = false;

export function installEnhancedReplies(): void {
  if (installed) return;
  installed = true;
  type Send = (this: unknown, code: number, data: unknown, context?: unknown) => void;
  const original = originalMethod<Send>(connectionPrototype, 'send');
  // context false: smtp-server adds no enhanced code of its own.
  connectionPrototype.send = function send(this: unknown, code: number, data: unknown, context?: unknown) {
    if (typeof data === 'string' && OWN_CODE.test(data)) return original.call(this, code, data, false);
    return original.call(this, code, data, context);
  };
}

/** An error our SMTP handlers return; smtp-server replies with its code and message. */
export function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}
