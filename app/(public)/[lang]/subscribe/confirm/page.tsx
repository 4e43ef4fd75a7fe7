import type { Metadata } from 'next';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { resolveLang } from '@/lib/i18n/params';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { confirmationState } from '@/lib/subscribers/subscribe';
import { ConfirmForm } from './confirm-form';

// Opened from the confirmation mail: the token's state is read per request; opening the page
// changes nothing, its button confirms.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ token?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lang = await resolveLang(params);
  return { ...pageMetadata(lang, '/subscribe/confirm', subscribeMessages(lang).confirmTitle, ''), robots: { index: false } };
}

export default async function ConfirmPage({ params, searchParams }: Props) {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const state = await confirmationState(token);
  return (
    <>
      <SiteHeader lang={lang} path="/subscribe" />
      <main id="main" className="page">
        <h1>{t.confirmTitle}</h1>
        <ConfirmForm lang={lang} token={token} initial={state === 'confirmed' ? 'already_confirmed' : state} />
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
