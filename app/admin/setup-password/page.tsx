import { adminLang } from '@/lib/auth/admin-lang';
import { adminText } from '@/lib/i18n/admin';
import { SetupForm } from './setup-form';

export default async function SetupPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const t = adminText(await adminLang());
  const { token = '' } = await searchParams;
  return (
    <main id="main" className="admin-main">
      <h1>Tayori · {t.setPassword}</h1>
      {token ? <SetupForm token={token} labels={{ password: t.newPassword, submit: t.setPassword }} /> : <p className="form-error">{t.linkInvalid}</p>}
    </main>
  );
}
