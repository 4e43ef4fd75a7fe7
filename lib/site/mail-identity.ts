import 'server-only';
import { isMailDomain, noticeMailDomainOf } from '#contracts/bounce-address';
import { env, type Env } from '../env';

// Whose mail the site's notices and confirmations are: the site's own domain (SITE_URL's host)
// unless NOTICE_FROM_ADDRESS says otherwise, so the sender, the Message-IDs and (with DKIM) the
// signature all name one domain that receiving providers can align. A host that is not a domain
// (localhost, an IP address) gives "localhost": fine for a demo, never for real subscribers, which
// mailIdentityWarnings() says at start.

type IdentitySettings = Pick<Env, 'SITE_URL' | 'NOTICE_FROM_ADDRESS'>;

/** SITE_URL's host when it is a domain name a receiving server can check, else "localhost". */
export function siteMailDomain(settings: IdentitySettings = env): string {
  return noticeMailDomainOf(settings.SITE_URL);
}

/** The address notices and confirmations come from. */
export function noticeFromAddress(settings: IdentitySettings = env): string {
  return settings.NOTICE_FROM_ADDRESS ?? `status@${siteMailDomain(settings)}`;
}

/** The domain of that address: the right-hand side of Message-IDs, the List-Id and the DKIM domain by default. */
export function noticeMailDomain(settings: IdentitySettings = env): string {
  return noticeMailDomainOf(settings.SITE_URL, settings.NOTICE_FROM_ADDRESS);
}

/** What a start-up log should say about the identity notices leave with (nothing when it is fine). */
export function mailIdentityWarnings(settings: IdentitySettings = env): string[] {
  const domain = noticeMailDomain(settings);
  if (isMailDomain(domain)) return [];
  return [`notices are sent as ${noticeFromAddress(settings)}: receiving providers will not trust mail from "${domain}"; set SITE_URL to the site's public URL, or NOTICE_FROM_ADDRESS`];
}
