// The return path of a notice copy (VERP): bounces+<subscriber id>.<notice tag>.<signature>@<the
// notices' domain>, where the notice tag is the end of the notice's id and the signature an HMAC of
// both ids: together they name one delivery (a notice and a subscriber) and nobody outside can make
// one up. The full delivery id (two ids of 25 characters) would not fit the 64 octets RFC 5321
// allows a local part; this does (57). The notice worker builds and checks it
// (lib/notices/bounces/verp.ts); the bundled MTA keeps every "bounces" address at that domain for
// itself (mta/policy/recipient-policy.ts), so that the reports remote servers send back, and the
// MTA's own, land in one mailbox the worker reads.

/** The mailbox that receives the bounces. */
export const BOUNCE_MAILBOX = 'bounces';

/** How many characters of the notice's id the return path carries. */
export const NOTICE_TAG_LENGTH = 6;

// Ids are cuids (lower-case letters and digits), the signature lower-case hex: some MTAs lower-case local parts.
const VERP_LOCAL_PART = /^bounces\+([a-z0-9]{1,40})\.([a-z0-9]{1,12})\.([0-9a-f]{16})$/;

export interface VerpParts {
  subscriberId: string;
  /** The last NOTICE_TAG_LENGTH characters of the notice's id. */
  noticeTag: string;
  signature: string;
}

export function verpLocalPart(subscriberId: string, noticeId: string, signature: string): string {
  return `${BOUNCE_MAILBOX}+${subscriberId}.${noticeId.slice(-NOTICE_TAG_LENGTH)}.${signature}`;
}

/** What a VERP local part carries; null for anything else. Compared without case. */
export function parseVerpLocalPart(localPart: string): VerpParts | null {
  const match = VERP_LOCAL_PART.exec(localPart.toLowerCase());
  return match ? { subscriberId: match[1]!, noticeTag: match[2]!, signature: match[3]! } : null;
}

/** "bounces" itself or "bounces+<anything>" (RFC 5233 subaddressing): every address the bounce mailbox takes. */
export function isBounceLocalPart(localPart: string): boolean {
  const local = localPart.toLowerCase();
  return local === BOUNCE_MAILBOX || local.startsWith(`${BOUNCE_MAILBOX}+`);
}

/**
 * The domain notices come from, for the site and for a process that cannot read the site's
 * settings module (the MTA): NOTICE_FROM_ADDRESS's domain, else SITE_URL's host when it is a
 * domain name, else "localhost". lib/site/mail-identity.ts is the site's side of it.
 */
export function noticeMailDomainOf(siteUrl: string, fromAddress?: string): string {
  if (fromAddress) return fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  const host = new URL(siteUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return isMailDomain(host) ? host : 'localhost';
}

/** A name receiving servers can check a sender against: not an address, not localhost. */
export function isMailDomain(host: string): boolean {
  const ip = /^[\d.]+$/.test(host) || host.includes(':');
  return !ip && host !== 'localhost' && !host.endsWith('.localhost') && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host);
}
