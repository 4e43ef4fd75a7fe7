// The return path of a notice copy (VERP): bounces+<delivery id>.<signature>@<the notices' domain>.
// The notice worker builds it (lib/notices/bounces/verp.ts, which signs it); the bundled MTA keeps
// every "bounces" address at that domain for itself (mta/policy/recipient-policy.ts), so that
// the reports remote servers send back, and the MTA's own, land in one mailbox the worker reads.

/** The mailbox that receives the bounces. */
export const BOUNCE_MAILBOX = 'bounces';

/** Delivery ids are cuids (lower-case letters and digits); signatures lower-case hex, as some MTAs lower-case local parts. */
const VERP_LOCAL_PART = /^bounces\+([a-z0-9]{1,40})\.([0-9a-f]{16})$/;

export function verpLocalPart(deliveryId: string, signature: string): string {
  return `${BOUNCE_MAILBOX}+${deliveryId}.${signature}`;
}

/** The delivery id and signature a VERP local part carries; null for anything else. Compared without case. */
export function parseVerpLocalPart(localPart: string): { deliveryId: string; signature: string } | null {
  const match = VERP_LOCAL_PART.exec(localPart.toLowerCase());
  return match ? { deliveryId: match[1]!, signature: match[2]! } : null;
}

/** "bounces" itself or "bounces+<anything>" (RFC 5233 subaddressing): every address the bounce mailbox takes. */
export function isBounceLocalPart(localPart: string): boolean {
  const local = localPart.toLowerCase();
  return local === BOUNCE_MAILBOX || local.startsWith(`${BOUNCE_MAILBOX}+`);
}

/**
 * The domain notices come from, for a process that cannot read the site's settings module (the
 * MTA): NOTICE_FROM_ADDRESS's domain, else SITE_URL's host when it is a domain name, else
 * "localhost". The same rule as lib/site/mail-identity.ts (a test holds the two together).
 */
export function noticeMailDomainOf(siteUrl: string, fromAddress?: string): string {
  if (fromAddress) return fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase();
  const host = new URL(siteUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const ip = /^[\d.]+$/.test(host) || host.includes(':');
  const domain = !ip && host !== 'localhost' && !host.endsWith('.localhost') && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host);
  return domain ? host : 'localhost';
}
