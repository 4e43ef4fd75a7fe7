import { createHash, randomBytes } from 'node:crypto';

// An API key is "tyk_" followed by 32 random bytes in base64url (43 characters). Only its SHA-256 is
// stored; the first characters are kept in clear so that lists can name a key without revealing it.

export const API_KEY_PREFIX = 'tyk_';
const KEY_PATTERN = /^tyk_[A-Za-z0-9_-]{43}$/;
/** Characters of the key shown in lists ("tyk_" and 8 more). */
export const SHOWN_PREFIX_LENGTH = 12;

export const API_KEY_ROLES = ['editor', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export interface GeneratedKey {
  key: string;
  prefix: string;
  keyHash: string;
}

export function generateApiKey(): GeneratedKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), keyHash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/**
 * The key from an Authorization header: "Bearer <key>", or "OAuth <key>" as Statuspage's own API
 * documents it, so scripts written for Statuspage send their header unchanged. Null when absent
 * or not shaped like a key.
 */
export function parseAuthorization(header: string | null): string | null {
  if (!header) return null;
  const match = /^\s*(bearer|oauth)\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  return looksLikeApiKey(match[2]) ? match[2] : null;
}
