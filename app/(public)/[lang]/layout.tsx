import type { Viewport } from 'next';
import type { ReactNode } from 'react';
import { langParams, resolveLang } from '@/lib/i18n/params';
import '../../globals.css';

// Unknown languages are a 404 through resolveLang; dynamicParams stays on so that new incidents
// and components render on first request.
export const generateStaticParams = langParams;

// The browser's own bar takes the header's colour (globals.css --card) in the reader's scheme.
export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#161c23' },
  ],
};

export default async function PublicLayout({ children, params }: { children: ReactNode; params: Promise<{ lang: string }> }) {
  const lang = await resolveLang(params);
  return (
    <html lang={lang}>
      <body>{children}</body>
    </html>
  );
}
