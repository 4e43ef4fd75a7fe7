import type { Metadata } from 'next';
import { env } from '../env';
import { localePath, pick, type Lang } from '../i18n/locales';

/** Title, description, Open Graph and language alternates for a page. */
export function pageMetadata(lang: Lang, path: string, title: string | null, description: string): Metadata {
  const siteName = pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN);
  const fullTitle = title ? `${title} | ${siteName}` : siteName;
  return {
    metadataBase: new URL(env.SITE_URL),
    title: fullTitle,
    description,
    alternates: {
      canonical: localePath(lang, path),
      languages: { ja: localePath('ja', path), en: localePath('en', path) },
      // Feed autodiscovery on every page (<link rel="alternate">).
      types: { 'application/rss+xml': localePath(lang, '/history.rss'), 'application/atom+xml': localePath(lang, '/history.atom') },
    },
    openGraph: {
      type: 'website',
      siteName,
      title: fullTitle,
      description,
      url: localePath(lang, path),
      locale: lang === 'ja' ? 'ja_JP' : 'en_US',
    },
    twitter: { card: 'summary', title: fullTitle, description },
    icons: { icon: '/favicon.svg' },
  };
}
