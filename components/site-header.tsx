import Link from 'next/link';
import { env } from '@/lib/env';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';

/** Whose status page this is (SITE_PROVIDER_*, SITE_SUPPORT_*): the provider's name in the language, or in the other one. */
export function siteProvider(lang: Lang, source = env) {
  const name = pick(lang, source.SITE_PROVIDER_NAME_JA ?? source.SITE_PROVIDER_NAME_EN, source.SITE_PROVIDER_NAME_EN ?? source.SITE_PROVIDER_NAME_JA);
  return { name, url: source.SITE_PROVIDER_URL, supportUrl: source.SITE_SUPPORT_URL, supportEmail: source.SITE_SUPPORT_EMAIL };
}

const footerText = {
  ja: {
    operatedBy: (name: string) => `${name}のサービスの稼働状況をお知らせするページです。`,
    providerSite: (name: string) => `${name}のサイト`,
    support: 'お問い合わせ',
    supportForm: 'サポート窓口',
    follow: '更新を受け取る',
    subscribe: '通知の登録',
    api: 'API (JSON)',
    calendar: 'メンテナンス予定 (iCalendar)',
    providerLabel: '運営',
  },
  en: {
    operatedBy: (name: string) => `The status of ${name}'s services.`,
    providerSite: (name: string) => `${name} website`,
    support: 'Support',
    supportForm: 'Support desk',
    follow: 'Follow updates',
    subscribe: 'Get notified',
    api: 'API (JSON)',
    calendar: 'Maintenance calendar (iCalendar)',
    providerLabel: 'Operated by',
  },
} as const;

/** Header with the site name, whose page it is, navigation and a link to the same page in the other language. */
export function SiteHeader({ lang, path }: { lang: Lang; path: string }) {
  const t = messages(lang);
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const provider = siteProvider(lang);
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <div className="site-header-inner">
        <div className="site-brand">
          <Link href={localePath(lang, '/')} className="site-name">
            <img src="/favicon.svg" alt="" width="24" height="24" />
            {pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN)}
          </Link>
          {provider.name && (
            <span className="site-provider">
              <span className="visually-hidden">{footerText[lang].providerLabel}: </span>
              {provider.url ? (
                <a href={provider.url} rel="noopener" data-testid="provider-link">
                  {provider.name}
                </a>
              ) : (
                provider.name
              )}
            </span>
          )}
        </div>
        <nav aria-label={lang === 'ja' ? 'サイト' : 'Site'}>
          <ul>
            <li>
              <Link href={localePath(lang, '/history')}>{t.historyHeading}</Link>
            </li>
            <li>
              <Link href={localePath(lang, '/subscribe')}>{subscribeMessages(lang).subscribeLink}</Link>
            </li>
            <li>
              {/* A full page load: the whole document, <html lang> included, changes language. */}
              <a href={localePath(other, path)} hrefLang={other} lang={other} className="lang-switch">
                <span className="visually-hidden">{t.languageSwitch}: </span>
                {t.otherLanguageName}
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

/** Footer: whose page it is, how to reach support, and every way to follow it (feeds, notices, API, calendar). */
export function SiteFooter({ lang }: { lang: Lang }) {
  const t = messages(lang);
  const f = footerText[lang];
  const provider = siteProvider(lang);
  const hasSupport = Boolean(provider.supportUrl || provider.supportEmail);
  return (
    <footer className="site-footer">
      <div className="site-footer-inner">
        {(provider.name || hasSupport) && (
          <div className="footer-about">
            {provider.name && (
              <p>
                {f.operatedBy(provider.name)}
                {provider.url && (
                  <>
                    {' '}
                    <a href={provider.url} rel="noopener">
                      {f.providerSite(provider.name)}
                    </a>
                  </>
                )}
              </p>
            )}
            {hasSupport && (
              <p data-testid="support-contact">
                {f.support}:{' '}
                {provider.supportUrl && (
                  <a href={provider.supportUrl} rel="noopener">
                    {f.supportForm}
                  </a>
                )}
                {provider.supportUrl && provider.supportEmail && ' · '}
                {provider.supportEmail && <a href={`mailto:${provider.supportEmail}`}>{provider.supportEmail}</a>}
              </p>
            )}
          </div>
        )}
        <nav aria-labelledby="footer-follow" className="footer-links">
          <p id="footer-follow" className="footer-heading">
            {f.follow}
          </p>
          <ul>
            <li>
              <Link href={localePath(lang, '/subscribe')}>{f.subscribe}</Link>
            </li>
            <li>
              <a href={localePath(lang, '/history.rss')} type="application/rss+xml">
                RSS
              </a>
            </li>
            <li>
              <a href={localePath(lang, '/history.atom')} type="application/atom+xml">
                Atom
              </a>
            </li>
            <li>
              <a href="/api/v2/summary.json" type="application/json">
                {f.api}
              </a>
            </li>
            <li>
              <a href={localePath(lang, '/maintenance.ics')} type="text/calendar">
                {f.calendar}
              </a>
            </li>
          </ul>
        </nav>
        <p className="powered-by">
          {pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN)} · {t.poweredBy}
        </p>
      </div>
    </footer>
  );
}
