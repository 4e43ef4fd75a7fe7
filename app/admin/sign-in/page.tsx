import { redirect } from 'next/navigation';
import { adminLang } from '@/lib/auth/admin-lang';
import { currentStaff } from '@/lib/auth/session';
import { adminText } from '@/lib/i18n/admin';
import { SignInForm } from './sign-in-form';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ done?: string }> }) {
  if (await currentStaff()) redirect('/admin');
  const t = adminText(await adminLang());
  const { done } = await searchParams;
  return (
    <main id="main" className="admin-main">
      <h1>Tayori · {t.signIn}</h1>
      <SignInForm t={{ email: t.email, password: t.password, signIn: t.signIn }} notice={done ? t.passwordSet : undefined} />
    </main>
  );
}
