import Link from 'next/link';
import { env } from '@/lib/env';
import { localePath, pick, type Lang } from '@/lib/i18n/locales';
import { messages } from '@/lib/i18n/messages';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';

/** Header with the site name, navigation and a link to the same page in the other language. */
export function SiteHeader({ lang, path }: { lang: Lang; path: string }) {
  const t = messages(lang);
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <div className="site-header-inner">
        <Link href={localePath(lang, '/')} className="site-name">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          {pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN)}
        </Link>
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

export function SiteFooter({ lang }: { lang: Lang }) {
  const t = messages(lang);
  return (
    <footer className="site-footer">
      <p>
        {pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN)} · {t.poweredBy}
      </p>
    </footer>
  );
}
