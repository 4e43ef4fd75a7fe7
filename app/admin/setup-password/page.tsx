import type { Metadata } from 'next';
import { adminLang } from '@/lib/auth/admin-lang';
import { setupLinkAccount } from '@/lib/auth/staff';
import { adminText } from '@/lib/i18n/admin';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { referrer: 'no-referrer' };

export default async function SetupPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const t = adminText(await adminLang());
  const { token = '' } = await searchParams;
  // Named before anything is typed, so that nobody sets a password for an account they did not expect.
  const account = token ? await setupLinkAccount(token) : ({ ok: false, reason: 'invalid' } as const);
  const problem = account.ok ? null : account.reason === 'expired' ? t.linkExpired : account.reason === 'used' ? t.linkUsed : t.linkInvalid;
  return (
    <main id="main" className="admin-main">
      <h1>Tayori · {t.setPassword}</h1>
      {account.ok ? (
        <>
          <p>
            {t.setupFor} <strong data-account>{account.email}</strong> ({account.role})
          </p>
          <SetupForm token={token} email={account.email} labels={{ password: t.newPassword, submit: t.setPassword }} />
        </>
      ) : (
        <p className="form-error">{problem}</p>
      )}
    </main>
  );
}
