import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Staff } from '@/lib/auth/session';
import { adminText } from '@/lib/i18n/admin';
import type { Lang } from '@/lib/i18n/locales';
import { signOutAction, switchLanguageAction } from '../actions';

/**
 * Header, navigation and main landmark of every signed-in console page. One row on a desktop
 * (the brand is the link to the dashboard); below 64rem the navigation folds into a menu that
 * is a <details>, so it works without a script.
 */
export function AdminShell({ staff, lang, current, children }: { staff: Staff; lang: Lang; current: string; children: ReactNode }) {
  const t = adminText(lang);
  const links = [
    ['/admin/incidents', t.incidents],
    ['/admin/maintenance', t.maintenance],
    ['/admin/components', t.componentsNav],
    ['/admin/probes', t.probes],
    ['/admin/templates', t.templates],
    ...(staff.role === 'admin'
      ? [
          ['/admin/mail', t.mailSystem],
          ['/admin/api-keys', t.apiKeys],
          ['/admin/audit', t.audit],
          ['/admin/staff', t.staff],
        ]
      : []),
  ];
  const items = links.map(([href, label]) => (
    <li key={href}>
      <Link href={href} aria-current={current === href ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  ));
  return (
    <>
      <a className="skip-link" href="#main">
        {lang === 'ja' ? '本文へ移動' : 'Skip to content'}
      </a>
      <header className="admin-header">
        <div className="admin-header-inner">
          <Link href="/admin" className="admin-brand" aria-current={current === '/admin' ? 'page' : undefined} title={`${t.console}: ${t.dashboard}`}>
            <img src="/favicon.svg" alt="" width="20" height="20" />
            <span>Tayori</span>
            <span className="visually-hidden">
              {t.console}: {t.dashboard}
            </span>
          </Link>
          <nav aria-label={t.console} className="admin-nav wide">
            <ul>{items}</ul>
          </nav>
          <details className="admin-menu">
            <summary>☰ {lang === 'ja' ? 'メニュー' : 'Menu'}</summary>
            <nav aria-label={`${t.console} (${lang === 'ja' ? 'メニュー' : 'menu'})`}>
              <ul>{items}</ul>
            </nav>
          </details>
          <div className="admin-account">
            <span className="who" title={`${staff.email} (${staff.role})`}>
              <span aria-hidden="true">{staff.email.split('@')[0]}</span>
              <span className="visually-hidden">
                {staff.email} ({staff.role})
              </span>
            </span>
            <form action={switchLanguageAction} className="inline-form">
              <input type="hidden" name="lang" value={lang === 'ja' ? 'en' : 'ja'} />
              <input type="hidden" name="back" value={current} />
              <button type="submit" lang={lang === 'ja' ? 'en' : 'ja'}>
                {t.language}
              </button>
            </form>
            <form action={signOutAction} className="inline-form">
              <button type="submit">{t.signOut}</button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="admin-main">
        {children}
      </main>
    </>
  );
}
