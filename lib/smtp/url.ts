import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

// How the site and the notice worker reach their SMTP server, read from SMTP_URL:
//   smtps://host:port     TLS from the first byte, the certificate verified
//   smtp://host:port      STARTTLS when the server offers it, the certificate verified; on loopback
//                         no TLS at all: the traffic never leaves the host, and the bundled MTA has
//                         no certificate unless one is configured (for outside clients)
//   user:password@        SMTP AUTH; over the network only inside TLS (requireTls)
//   ?tls_ca=/path.pem     trust this CA as well (a private CA, a self-signed server)
//   ?tls_verify=false     no certificate check at all: for test servers only
// A loopback URL without user:password is the bundled MTA started next to the site, which keeps a
// generated submission credential in the data directory both share (mta/mta.ts): it is offered
// when the server asks for AUTH, so notices and confirmations may be relayed to other domains.
// Neither the site nor the worker ever creates that file; a missing one means no login.

/** The SMTP AUTH name of the bundled MTA's local submission credential (mta/config.ts has the same). */
export const LOCAL_SUBMISSION_USER = 'tayori-submission';
export const SUBMISSION_PASSWORD_FILE = 'submission-password';

export interface SmtpCredentials {
  user: string;
  pass: string;
}

export interface SmtpClientSettings {
  host: string;
  port: number;
  /** smtps:// */
  secure: boolean;
  /** upgrade with STARTTLS when the server offers it */
  startTls: boolean;
  /** credentials are never sent outside TLS: no STARTTLS on offer means no session */
  requireTls: boolean;
  tls: { rejectUnauthorized: boolean; ca?: string };
  /** from the URL */
  auth: SmtpCredentials | null;
  /** the bundled MTA's credential, read when a session logs in; null when there is none */
  localCredential: () => SmtpCredentials | null;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

/**
 * @param dataDir where the bundled MTA keeps its submission credential (DATA_DIR); undefined
 *   when the caller never wants it offered.
 */
export function smtpClientSettings(url: string, dataDir?: string): SmtpClientSettings {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = isLoopbackHost(host);
  const auth = u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : null;
  const ca = readTlsCa(u, 'SMTP_URL');
  const useLocal = !auth && loopback && dataDir !== undefined;
  return {
    host,
    port: Number(u.port || (secure ? 465 : 25)),
    secure,
    startTls: !secure && !loopback,
    requireTls: !secure && !loopback && auth !== null,
    tls: { rejectUnauthorized: u.searchParams.get('tls_verify') !== 'false', ...(ca ? { ca } : {}) },
    auth,
    localCredential: useLocal ? localCredentialReader(path.join(dataDir, SUBMISSION_PASSWORD_FILE)) : () => null,
  };
}

/** The CA file a URL names with ?tls_ca= (SMTP_URL, CANARY_MAILBOX_URL, …), read; a clear error naming `setting` when it cannot be. */
export function readTlsCa(u: URL, setting: string): string | undefined {
  const caFile = u.searchParams.get('tls_ca');
  if (!caFile) return undefined;
  try {
    return readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new Error(`${setting}: cannot read the CA file tls_ca=${caFile}: ${(error as Error).message}`);
  }
}

/** Reads the credential file when asked; once found it is kept (the MTA never changes it). */
function localCredentialReader(file: string): () => SmtpCredentials | null {
  let found: SmtpCredentials | null = null;
  return () => {
    if (found) return found;
    try {
      const pass = readFileSync(file, 'utf8').trim();
      if (pass) found = { user: LOCAL_SUBMISSION_USER, pass };
    } catch {
      // No bundled MTA with this data directory (yet): no login.
    }
    return found;
  };
}

/** The same settings as nodemailer transport options (the site's confirmation mails). */
export function nodemailerOptions(settings: SmtpClientSettings) {
  const auth = settings.auth ?? settings.localCredential();
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ignoreTLS: !settings.secure && !settings.startTls,
    requireTLS: settings.requireTls,
    tls: { ...settings.tls },
    ...(auth ? { auth } : {}),
  };
}
