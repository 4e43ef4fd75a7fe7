import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Staff } from '@/lib/auth/session';
import { adminText } from '@/lib/i18n/admin';
import type { Lang } from '@/lib/i18n/locales';
import { signOutAction, switchLanguageAction } from '../actions';

/** Header, navigation and main landmark of every signed-in console page. */
export function AdminShell({ staff, lang, current, children }: { staff: Staff; lang: Lang; current: string; children: ReactNode }) {
  const t = adminText(lang);
  const links = [
    ['/admin', t.dashboard],
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
  return (
    <>
      <header className="admin-header">
        <div className="admin-header-inner">
          <strong>Tayori · {t.console}</strong>
          <nav aria-label={t.console}>
            <ul>
              {links.map(([href, label]) => (
                <li key={href}>
                  <Link href={href} aria-current={current === href ? 'page' : undefined}>
                    {label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="row-actions">
            <span>
              {staff.email} ({staff.role})
            </span>
            <form action={switchLanguageAction} className="inline-form">
              <input type="hidden" name="lang" value={lang === 'ja' ? 'en' : 'ja'} />
              <input type="hidden" name="back" value={current} />
              <button type="submit" className="secondary">
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
