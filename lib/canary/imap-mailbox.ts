import { ImapFlow, type ImapFlowError } from 'imapflow';
import { isLoopbackHost, readTlsCa } from '../smtp/url';
import { CANARY_HEADER, type CanaryArrival, type CanaryMailbox, type MailboxMessage, type MessageMailbox } from './mailbox';

// The canary's mailbox read over IMAP, for fleets whose mail system is not the bundled MTA (Postfix +
// Dovecot and the like). Read from CANARY_MAILBOX_URL:
//   imap://user:password@host:port    STARTTLS required, the certificate verified; on loopback no
//                                      TLS at all (the traffic never leaves the host, as for SMTP_URL)
//   imaps://user:password@host:port   TLS from the first byte, the certificate verified
//   ?tls_ca=/path.pem                  trust this CA as well (a private CA, a self-signed server)
//   ?tls_verify=false                  no certificate check at all: for test servers only
// The user and the password are percent-decoded (an address's "@" is written %40).

const SETTING = 'CANARY_MAILBOX_URL';

export interface ImapMailboxSettings {
  host: string;
  port: number;
  /** imaps:// */
  secure: boolean;
  /** imap:// to another host: STARTTLS, and no session without it; imap:// on loopback: never STARTTLS */
  startTls: boolean;
  tls: { rejectUnauthorized: boolean; ca?: string };
  auth: { user: string; pass: string };
}

/** Parses CANARY_MAILBOX_URL (or `setting`, another mailbox's URL). Its errors never contain the password. */
export function imapMailboxSettings(url: string, setting = SETTING): ImapMailboxSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${setting}: not a URL; expected imap://user:password@host:port or imaps://user:password@host:port`);
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') {
    throw new Error(`${setting}: the scheme must be imap:// or imaps://`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new Error(`${setting}: names no host; expected ${u.protocol}//user:password@host:port`);
  let user: string;
  let pass: string;
  try {
    user = decodeURIComponent(u.username);
    pass = decodeURIComponent(u.password);
  } catch {
    throw new Error(`${setting}: the user or the password is not valid percent-encoding (write "@" as %40, ":" as %3A, "%" as %25)`);
  }
  if (!user || !pass) throw new Error(`${setting}: needs the mailbox's user and password, as ${u.protocol}//user:password@${u.host}`);
  if (u.pathname && u.pathname !== '/') throw new Error(`${setting}: takes no path (the canary reads INBOX and the Junk folder); a "/", "?" or "#" in the password is written %2F, %3F, %23`);
  for (const key of u.searchParams.keys()) {
    if (key !== 'tls_verify' && key !== 'tls_ca') throw new Error(`${setting}: unknown option ${key} (known: tls_verify, tls_ca)`);
  }
  const verify = u.searchParams.get('tls_verify');
  if (verify !== null && verify !== 'true' && verify !== 'false') throw new Error(`${setting}: tls_verify must be true or false`);
  const ca = readTlsCa(u, setting);
  const secure = u.protocol === 'imaps:';
  return {
    host,
    port: Number(u.port || (secure ? 993 : 143)),
    secure,
    startTls: !secure && !isLoopbackHost(host),
    tls: { rejectUnauthorized: verify !== 'false', ...(ca ? { ca } : {}) },
    auth: { user, pass },
  };
}

/** CANARY_MAILBOX_URL as it may be logged: imap://user@host:port, no password and no options. */
export function imapMailboxLocation(url: string): string {
  return safeLocation(imapMailboxSettings(url));
}

function safeLocation(settings: ImapMailboxSettings): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${settings.secure ? 'imaps' : 'imap'}://${encodeURIComponent(settings.auth.user)}@${host}:${settings.port}`;
}

/** Removes the password, raw and percent-encoded, from text that came from elsewhere. */
function redact(text: string, pass: string): string {
  let out = text;
  for (const secret of new Set([pass, encodeURIComponent(pass)])) if (secret) out = out.split(secret).join('***');
  return out;
}

/** What went wrong, in one line, from an ImapFlow error (its message alone is often "Command failed"). */
function describe(error: unknown): string {
  const e = error as ImapFlowError;
  if (e?.authenticationFailed) return `login refused${e.responseText ? ` (${e.responseText})` : ''}`;
  const parts = [e?.message ?? String(error)];
  if (e?.responseText && e.responseText !== e.message) parts.push(e.responseText);
  if (e?.code && !parts.some((p) => p.includes(e.code!))) parts.push(e.code);
  return parts.join(': ');
}

/** The value of the canary header in a raw header block, unfolded; null when it is missing or empty. */
export function canaryToken(headers: Buffer | string | undefined): string | null {
  if (!headers) return null;
  const unfolded = headers.toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  const name = CANARY_HEADER.toLowerCase();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) {
      const value = line.slice(colon + 1).trim();
      if (value) return value;
    }
  }
  return null;
}

/** One IMAP session kept between calls, shared by the canary's reader and the message reader. */
function imapSession(url: string, setting: string, what: string) {
  const settings = imapMailboxSettings(url, setting);
  const where = safeLocation(settings);
  let client: ImapFlow | null = null;

  const fail = (error: unknown): Error => new Error(`${what} ${where}: ${redact(describe(error), settings.auth.pass)}`);

  // One connection kept between calls (the canary reads every minute); a new one after any error,
  // since an ImapFlow instance cannot connect twice.
  async function connection(): Promise<ImapFlow> {
    if (client?.usable) return client;
    drop();
    const fresh = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.secure ? {} : { doSTARTTLS: settings.startTls }),
      tls: settings.tls,
      auth: { user: settings.auth.user, pass: settings.auth.pass },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    // Without a listener a socket error after connect() would be thrown as an uncaught 'error' event.
    fresh.on('error', () => {
      if (client === fresh) client = null;
    });
    fresh.on('close', () => {
      if (client === fresh) client = null;
    });
    await fresh.connect();
    client = fresh;
    return fresh;
  }

  function drop() {
    const old = client;
    client = null;
    if (old) old.close();
  }

  /** The Junk folder, when the mailbox has one: by its special-use flag, else by its name. */
  async function junkFolder(imap: ImapFlow): Promise<string | null> {
    const folders = await imap.list();
    const flagged = folders.find((f) => f.specialUse === '\\Junk');
    if (flagged) return flagged.path;
    return folders.find((f) => /^(junk|spam)$/i.test(f.path))?.path ?? null;
  }

  async function logout(): Promise<void> {
    const old = client;
    client = null;
    if (!old) return;
    try {
      await old.logout();
    } catch {
      old.close();
    }
  }

  // One call at a time: two overlapping calls would each open a connection when there is none, and
  // one of them would never be closed.
  let previous: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const next = previous.then(run, run);
    previous = next.catch(() => {});
    return next;
  };

  /** `read` on INBOX and then the Junk folder, if any; any error drops the connection and is thrown without the password. */
  async function eachFolder<T>(read: (imap: ImapFlow, folder: string, junk: boolean) => Promise<T[]>): Promise<T[]> {
    try {
      const imap = await connection();
      const found = await read(imap, 'INBOX', false);
      const junk = await junkFolder(imap);
      if (junk && junk.toUpperCase() !== 'INBOX') found.push(...(await read(imap, junk, true)));
      return found;
    } catch (error) {
      drop();
      throw fail(error);
    }
  }

  return { eachFolder, serially, close: () => serially(logout) };
}

export function createImapMailbox(url: string): CanaryMailbox {
  const session = imapSession(url, SETTING, 'canary mailbox');

  async function collectFrom(imap: ImapFlow, folder: string, junk: boolean): Promise<CanaryArrival[]> {
    const lock = await imap.getMailboxLock(folder);
    try {
      // HEADER with an empty string matches every message that has the header (RFC 3501 6.4.4).
      const uids = await imap.search({ header: { [CANARY_HEADER]: true } }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const found: { uid: number; arrival: CanaryArrival }[] = [];
      for await (const message of imap.fetch(uids, { uid: true, internalDate: true, headers: [CANARY_HEADER] }, { uid: true })) {
        const token = canaryToken(message.headers);
        if (!token || !message.internalDate) continue;
        found.push({ uid: message.uid, arrival: { token, arrivedAt: new Date(message.internalDate), junk } });
      }
      if (found.length > 0) {
        // \Deleted, then UID EXPUNGE (UIDPLUS, which Dovecot has): only these messages, not others a
        // mail client flagged for deletion.
        const deleted = await imap.messageDelete(found.map((f) => f.uid), { uid: true });
        if (!deleted) throw new Error(`could not delete the canary messages in ${folder}`);
      }
      return found.map((f) => f.arrival);
    } finally {
      lock.release();
    }
  }

  return {
    collect: () => session.serially(() => session.eachFolder(collectFrom)),
    close: session.close,
  };
}

/**
 * Every message of an IMAP mailbox (INBOX and Junk), each deleted once handled: the bounce
 * mailbox when notices go out through another relay. `setting` names the URL's variable in errors.
 */
const IMAP_BATCH = 200;

export function createImapMessageMailbox(url: string, setting: string): MessageMailbox {
  const session = imapSession(url, setting, 'mailbox');

  async function drainFolder(imap: ImapFlow, folder: string, junk: boolean, handle: (m: MailboxMessage) => Promise<void>): Promise<number[]> {
    const lock = await imap.getMailboxLock(folder);
    const handled: number[] = [];
    try {
      for (;;) {
        const uids = await imap.search({ all: true }, { uid: true });
        if (!uids || uids.length === 0) return handled;
        // A batch at a time: after a large fan-out thousands of reports may wait, each with a copy of
        // the message it returns, and all of them at once would be held in memory.
        const batch = uids.slice(0, IMAP_BATCH);
        // Fetched first, handled afterwards: no other IMAP command may run while a FETCH streams.
        const messages: { uid: number; message: MailboxMessage }[] = [];
        for await (const m of imap.fetch(batch, { uid: true, internalDate: true, source: true }, { uid: true })) {
          if (m.source) messages.push({ uid: m.uid, message: { raw: m.source, arrivedAt: new Date(m.internalDate ?? Date.now()), junk } });
        }
        const done: number[] = [];
        try {
          for (const { uid, message } of messages) {
            await handle(message);
            done.push(uid);
          }
        } finally {
          // Only what was handled, even when a later message's handling failed.
          if (done.length > 0 && !(await imap.messageDelete(done, { uid: true }))) throw new Error(`could not delete the handled messages in ${folder}`);
          handled.push(...done);
        }
        if (uids.length <= IMAP_BATCH || done.length === 0) return handled;
      }
    } finally {
      lock.release();
    }
  }

  return {
    drain: (handle) => session.serially(async () => (await session.eachFolder((imap, folder, junk) => drainFolder(imap, folder, junk, handle))).length),
    close: session.close,
  };
}
