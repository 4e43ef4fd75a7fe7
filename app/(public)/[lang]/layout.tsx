import type { Viewport } from 'next';
import type { ReactNode } from 'react';
import { langParams, resolveLang } from '@/lib/i18n/params';
import '../../globals.css';

export const generateStaticParams = langParams;
export const dynamicParams = false;

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f4e79' };

export default async function PublicLayout({ children, params }: { children: ReactNode; params: Promise<{ lang: string }> }) {
  const lang = await resolveLang(params);
  return (
    <html lang={lang}>
      <body>{children}</body>
    </html>
  );
}
