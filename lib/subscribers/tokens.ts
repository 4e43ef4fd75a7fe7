import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env } from '../env';

// Two kinds of token, neither stored in the clear:
// - confirmation tokens are random, single-use and expire; only their SHA-256 is stored;
// - manage/unsubscribe tokens are signed (HMAC) over the subscriber id and a version, so every
//   mail can carry one without storing anything; bumping the version revokes all of them.

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

let cachedSecret: string | null = null;

/** NOTICE_TOKEN_SECRET, or a key generated once under DATA_DIR and shared by the site and the worker. */
export function tokenSecret(): string {
  if (env.NOTICE_TOKEN_SECRET) return env.NOTICE_TOKEN_SECRET;
  if (cachedSecret) return cachedSecret;
  const file = path.join(env.DATA_DIR, 'notice-token-secret');
  mkdirSync(env.DATA_DIR, { recursive: true });
  try {
    const secret = randomBytes(32).toString('hex');
    // 'wx': when the site and the worker start together, the first writer wins and both read it.
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    cachedSecret = secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    cachedSecret = readFileSync(file, 'utf8').trim();
  }
  return cachedSecret;
}

function sign(purpose: string, id: string, version: number, secret: string): string {
  return createHmac('sha256', secret).update(`${purpose}:${id}:${version}`).digest('base64url');
}

export type TokenPurpose = 'subscriber' | 'webhook';

/** A link token for a subscriber: `<id>.<version>.<signature>`. */
export function signManageToken(id: string, version: number, purpose: TokenPurpose = 'subscriber', secret = tokenSecret()): string {
  return `${id}.${version}.${sign(purpose, id, version, secret)}`;
}

/** The id and version a token was signed for, or null if it was not signed by us. */
export function verifyManageToken(token: string, purpose: TokenPurpose = 'subscriber', secret = tokenSecret()): { id: string; version: number } | null {
  const match = /^([a-z0-9]{1,40})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, id, versionText, signature] = match;
  const version = Number(versionText);
  const expected = Buffer.from(sign(purpose, id!, version, secret));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { id: id!, version };
}
