import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DkimSettings } from './sender';

// The key notices and confirmations are DKIM-signed with. Unless one is configured, it is
// generated on first start (RSA 2048, what Gmail and Yahoo ask of bulk senders, and what every
// DNS provider still takes in one TXT record) and kept in DATA_DIR/dkim/<selector>.private.pem,
// readable by its owner only. The site and the worker read the same file, so both sign with the
// same key; `npm run dkim` prints the DNS record that publishes its public half.
//
// No 'server-only' guard: nothing here reads the environment (transport.ts, which is guarded,
// passes the settings in), node:fs keeps it out of any browser bundle, and the MTA's tests and the
// CLI use it as it is. The private key never leaves this module's callers' memory: logs name
// the file only.

export const DKIM_KEY_BITS = 2048;

export interface DkimKeySettings {
  /** DKIM_ENABLED */
  enabled: boolean;
  /** DKIM_DOMAIN, or the domain notices come from. */
  domain: string;
  /** DKIM_SELECTOR */
  selector: string;
  /** DKIM_PRIVATE_KEY */
  privateKey?: string;
  /** DKIM_PRIVATE_KEY_FILE */
  privateKeyFile?: string;
  /** DATA_DIR */
  dataDir: string;
}

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
  /** Where the key was read from; null when it came from DKIM_PRIVATE_KEY. */
  file: string | null;
  /** True when this call generated it. */
  created: boolean;
}

/** Where the generated key of a selector is kept. */
export function generatedKeyFile(dataDir: string, selector: string): string {
  return path.join(dataDir, 'dkim', `${selector}.private.pem`);
}

/**
 * The key to sign with, or null when signing is off. A domain that is not a public one
 * ("localhost" in a demo install) is signed for all the same: no receiver finds a key for it, so
 * the signature counts as absent, which is what an unsigned message would be, and the demo
 * exercises the path a real install takes (the key is already there once SITE_URL is set).
 */
export function dkimKey(settings: DkimKeySettings, log: (line: string) => void = console.log): DkimKey | null {
  if (!settings.enabled) return null;
  const base = { domainName: settings.domain, keySelector: settings.selector };
  if (settings.privateKey) return { ...base, privateKey: settings.privateKey, file: null, created: false };
  if (settings.privateKeyFile) return { ...base, privateKey: fs.readFileSync(settings.privateKeyFile, 'utf8'), file: settings.privateKeyFile, created: false };
  const file = generatedKeyFile(settings.dataDir, settings.selector);
  const { privateKey, created } = readOrCreateDkimKey(file);
  if (created) log(`dkim: generated a ${DKIM_KEY_BITS}-bit RSA key for ${settings.selector}._domainkey.${settings.domain} in ${file}; publish its DNS record (npm run dkim)`);
  return { ...base, privateKey, file, created };
}

// nodemailer's list (RFC 6376 5.4's, the List-* headers, List-Unsubscribe-Post as RFC 8058 asks)
// plus Feedback-ID and Auto-Submitted: Gmail's feedback loop only trusts a Feedback-ID the
// signature covers. Headers a message does not have are left out of h=.
const SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'Resent-Date', 'Resent-From', 'Resent-Sender',
  'Resent-To', 'Resent-Cc', 'Resent-Message-ID', 'In-Reply-To', 'References', 'List-Id', 'List-Help',
  'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
  'Feedback-ID', 'Auto-Submitted',
].join(':');

/** What the SMTP clients sign with (nodemailer's DKIM option): the key parsed once, the headers above. */
export function dkimSigning(key: Pick<DkimKey, 'domainName' | 'keySelector' | 'privateKey'>): DkimSettings {
  return { domainName: key.domainName, keySelector: key.keySelector, privateKey: createPrivateKey(key.privateKey), headerFieldNames: SIGNED_HEADERS };
}

/**
 * Reads the key in `file`, or generates it. The new key is written to a temporary file and
 * hard-linked into place: link() never overwrites, so when the site and the worker start
 * together one of them wins and the other reads the winner's key; nobody reads a half-written file.
 */
export function readOrCreateDkimKey(file: string): { privateKey: string; created: boolean } {
  const existing = readKey(file);
  if (existing) return { privateKey: existing, created: false };
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and leaves an existing directory alone.
  fs.chmodSync(dir, 0o700);
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: DKIM_KEY_BITS,
    // PKCS#1 ("BEGIN RSA PRIVATE KEY"), as opendkim-genkey writes it: the file can be handed to
    // OpenDKIM or rspamd unchanged if signing moves to the MTA.
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, privateKey, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return { privateKey, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readKey(file);
    if (!winner) throw new Error(`${file} exists but holds no private key`);
    return { privateKey: winner, created: false };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function readKey(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8');
    return value.includes('PRIVATE KEY') ? value : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The public half, base64 DER (SubjectPublicKeyInfo): the p= of the DKIM record. */
export function dkimPublicKey(privateKey: string): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
}

/** The TXT value receivers look up at `<selector>._domainkey.<domain>` (RFC 6376 3.6.1). */
export function dkimTxtValue(privateKey: string): string {
  return `v=DKIM1; k=rsa; p=${dkimPublicKey(privateKey)}`;
}
