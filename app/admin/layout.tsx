import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { adminLang } from '@/lib/auth/admin-lang';
import '../globals.css';
import './admin.css';

export const metadata: Metadata = { title: 'Tayori console', robots: { index: false, follow: false }, icons: { icon: '/favicon.svg' } };
// Every console page depends on who is signed in.
export const dynamic = 'force-dynamic';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <html lang={await adminLang()}>
      <body className="admin">{children}</body>
    </html>
  );
}
