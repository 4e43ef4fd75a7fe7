import type { Viewport } from 'next';
import type { ReactNode } from 'react';
import { langParams, resolveLang } from '@/lib/i18n/params';
import '../../globals.css';

// Unknown languages are a 404 through resolveLang; dynamicParams stays on so that new incidents
// and components render on first request.
export const generateStaticParams = langParams;

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f4e79' };

export default async function PublicLayout({ children, params }: { children: ReactNode; params: Promise<{ lang: string }> }) {
  const lang = await resolveLang(params);
  return (
    <html lang={lang}>
      <body>{children}</body>
    </html>
  );
}
