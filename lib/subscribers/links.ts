import 'server-only';
import { env, type Env } from '../env';
import { localePath, type Lang } from '../i18n/locales';
import { noticeFromAddress } from '../site/mail-identity';
import { siteUrl } from '../site/identity';
import { signManageToken } from './tokens';

// A subscriber's own links, in every notice and in the reminder to an address already subscribed:
// manage, unsubscribe (the page that asks first), the RFC 8058 one-click URL and the mailto.

export interface SubscriberLinks {
  manage: string;
  unsubscribePage: string;
  oneClick: string;
  mailto: string;
}

export function subscriberLinks(subscriberId: string, tokenVersion: number, lang: Lang): SubscriberLinks {
  return linksWithToken(signManageToken(subscriberId, tokenVersion), subscriberId, lang);
}

/**
 * The links of the console's notice preview: the ones every subscriber gets, with a stand-in
 * where each has their own token and id (nothing is signed for a subscriber who does not exist).
 */
export function sampleSubscriberLinks(lang: Lang): SubscriberLinks {
  return linksWithToken(SAMPLE_TOKEN, SAMPLE_SUBSCRIBER, lang);
}

export const SAMPLE_SUBSCRIBER = 'SUBSCRIBER-ID';
export const SAMPLE_TOKEN = 'SUBSCRIBER-TOKEN';

function linksWithToken(rawToken: string, subscriberId: string, lang: Lang): SubscriberLinks {
  const token = encodeURIComponent(rawToken);
  const mailtoAddress = env.NOTICE_UNSUBSCRIBE_MAILTO ?? noticeFromAddress();
  return {
    manage: siteUrl(`${localePath(lang, '/subscriptions/manage')}?token=${token}`),
    unsubscribePage: siteUrl(`${localePath(lang, '/unsubscribe')}?token=${token}`),
    oneClick: siteUrl(`/api/unsubscribe?token=${token}`),
    mailto: `mailto:${mailtoAddress}?subject=${encodeURIComponent(`unsubscribe ${subscriberId}`)}`,
  };
}

/**
 * Gmail and Yahoo honour one-click unsubscribe (RFC 8058) only at an https URL: a site that is
 * not on https sends notices whose List-Unsubscribe those providers will not offer.
 */
export function listUnsubscribeWarnings(settings: Pick<Env, 'SITE_URL'> = env): string[] {
  if (new URL(settings.SITE_URL).protocol === 'https:') return [];
  return [`SITE_URL is ${new URL(settings.SITE_URL).origin}, not https: the one-click unsubscribe link in every notice (List-Unsubscribe) is not https, and Gmail and Yahoo require it for bulk mail; set SITE_URL to the site's public https URL`];
}
