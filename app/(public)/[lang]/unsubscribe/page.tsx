import type { Metadata } from 'next';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { resolveLang } from '@/lib/i18n/params';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { getSubscription } from '@/lib/subscribers/subscribe';
import { UnsubscribedPanel, UnsubscribeForm } from './unsubscribe-form';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ token?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lang = await resolveLang(params);
  return { ...pageMetadata(lang, '/unsubscribe', subscribeMessages(lang).unsubscribeTitle, ''), robots: { index: false } };
}

export default async function UnsubscribePage({ params, searchParams }: Props) {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const subscription = token ? await getSubscription(token) : null;
  return (
    <>
      <SiteHeader lang={lang} path="/subscribe" />
      <main id="main" className="page">
        <h1>{t.unsubscribeTitle}</h1>
        {!subscription ? (
          <p className="form-error" role="alert">
            {t.linkInvalid}
          </p>
        ) : subscription.status === 'unsubscribed' ? (
          <UnsubscribedPanel lang={lang} />
        ) : (
          <UnsubscribeForm lang={lang} token={token} email={subscription.email} />
        )}
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
