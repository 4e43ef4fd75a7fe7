import 'server-only';
import { env } from '../env';
import { pick, type Lang } from '../i18n/locales';

// The site's name and its absolute URLs, as mails, webhooks and notices give them (SITE_URL, not
// whatever Host a request came with).

export function siteName(lang: Lang): string {
  return pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN);
}

export function siteUrl(path: string): string {
  return new URL(path, env.SITE_URL).toString();
}
