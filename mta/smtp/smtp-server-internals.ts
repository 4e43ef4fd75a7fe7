// The one door to smtp-server's internals. smtp-server has no option for what these modules add
// (a greeting delay chosen per client, replies with the MTA's own enhanced status codes, AUTH
// before TLS allowed per session, request and session deadlines, no message text before the 354),
// so they replace or wrap methods of its SMTPConnection and SMTPStream classes and read their
// private fields. Code like that is only as good as the release it was read against: package.json
// pins smtp-server to exactly PATCHED_VERSION, and smtp-server-internals.test.ts fails when the
// installed smtp-server is another release or its connection and parser code differ in any byte.
// To upgrade: read the new smtp-connection.js and smtp-stream.js against greeting-delay.ts,
// enhanced-replies.ts, auth-gate.ts and session-guard.ts, then update the pin, PATCHED_VERSION and
// the fingerprints in the test together.
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';

/** The smtp-server release the patches were written against and tested on. */
export const PATCHED_VERSION = '3.21.6';

type Method = (this: never, ...args: never[]) => unknown;
type Prototype = Record<string, unknown>;

export const connectionPrototype = SMTPConnection.prototype as unknown as Prototype;
export const streamPrototype = SMTPStream.prototype as unknown as Prototype;

/**
 * smtp-server's own method `name`, before the MTA replaces or wraps it. A method that is not there
 * stops the MTA at start-up, naming it, instead of leaving a protection silently off.
 */
export function originalMethod<F = Method>(prototype: Prototype, name: string): F {
  const method = prototype[name];
  if (typeof method !== 'function') {
    const owner = prototype === streamPrototype ? 'SMTPStream' : 'SMTPConnection';
    throw new Error(`smtp-server has no ${owner}#${name}: the MTA's SMTP protections were written for smtp-server ${PATCHED_VERSION} (mta/smtp/smtp-server-internals.ts)`);
  }
  return method as F;
}
