import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '../env';
import { noticeMailDomain } from '../site/mail-identity';
import { dkimKey, dkimSigning, type DkimKey } from './dkim-key';
import { SmtpSender, type DkimSettings } from './sender';
import { nodemailerOptions, smtpClientSettings } from './url';

// The SMTP clients of the site and the worker, configured from the environment: the fan-out's
// sessions (sender.ts) and nodemailer's pooled transport for one-off mails (confirmations). Both
// reach SMTP_URL as url.ts reads it: certificates verified, the bundled MTA's local submission
// credential when SMTP_URL is the MTA on loopback; both sign with the same DKIM key (dkim-key.ts),
// unless DKIM_ENABLED=false.

export function createTransport(maxConnections = env.NOTICE_WORKER_CONCURRENCY): Transporter {
  const dkim = dkimOptions();
  return nodemailer.createTransport({
    ...nodemailerOptions(smtpClientSettings(env.SMTP_URL, env.DATA_DIR)),
    pool: true,
    maxConnections,
    maxMessages: Infinity,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    ...(dkim ? { dkim } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

/** The configured DKIM key, or the one generated under DATA_DIR on first use; null when signing is off. */
export function configuredDkimKey(log?: (line: string) => void): DkimKey | null {
  return dkimKey(
    {
      enabled: env.DKIM_ENABLED,
      domain: env.DKIM_DOMAIN ?? noticeMailDomain(),
      selector: env.DKIM_SELECTOR,
      privateKey: env.DKIM_PRIVATE_KEY,
      privateKeyFile: env.DKIM_PRIVATE_KEY_FILE,
      dataDir: env.DATA_DIR,
    },
    log,
  );
}

/** How the site's and the worker's mail is signed. */
export function dkimOptions(): DkimSettings | null {
  const key = configuredDkimKey();
  return key && dkimSigning(key);
}

/** The fan-out's sender: `connections` SMTP sessions kept open to SMTP_URL. */
export function createNoticeSender(connections = env.NOTICE_WORKER_CONCURRENCY): SmtpSender {
  return new SmtpSender(env.SMTP_URL, connections, dkimOptions(), { dataDir: env.DATA_DIR });
}

let shared: { transport: Transporter; withLocalCredential: boolean } | null = null;

/**
 * One pooled transport per process for mails sent from the site (confirmations). nodemailer takes
 * its login once, when the transport is made: one made before the bundled MTA had written its
 * submission credential is replaced as soon as the credential is there.
 */
export function sharedTransport(): Transporter {
  const withLocalCredential = smtpClientSettings(env.SMTP_URL, env.DATA_DIR).localCredential() !== null;
  if (shared && !shared.withLocalCredential && withLocalCredential) {
    shared.transport.close();
    shared = null;
  }
  shared ??= { transport: createTransport(2), withLocalCredential };
  return shared.transport;
}
