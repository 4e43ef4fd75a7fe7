import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { localePath } from '@/lib/i18n/locales';
import { resolveLang } from '@/lib/i18n/params';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { confirmSubscription } from '@/lib/subscribers/subscribe';

// Opened from the confirmation mail: the token is single-use, so the page is rendered per request.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ token?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lang = await resolveLang(params);
  return { ...pageMetadata(lang, '/subscribe/confirm', subscribeMessages(lang).confirmTitle, ''), robots: { index: false } };
}

export default async function ConfirmPage({ params, searchParams }: Props) {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  const token = (await searchParams).token;
  const result = typeof token === 'string' ? await confirmSubscription(token) : ({ ok: false, error: 'invalid' } as const);
  return (
    <>
      <SiteHeader lang={lang} path="/subscribe" />
      <main id="main" className="page">
        <h1>{t.confirmTitle}</h1>
        {result.ok ? (
          <>
            <p role="status" data-testid="confirmed">
              {t.confirmed}
            </p>
            <p>
              <Link href={`${localePath(lang, '/subscriptions/manage')}?token=${encodeURIComponent(result.manageToken)}`}>{t.manageLink}</Link>
            </p>
          </>
        ) : (
          <p role="alert" data-testid="confirm-error">
            {result.error === 'expired' ? t.confirmExpired : t.confirmInvalid}
          </p>
        )}
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
