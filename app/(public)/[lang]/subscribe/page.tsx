import type { Metadata } from 'next';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { getComponentGroups } from '@/lib/components/queries';
import { localePath } from '@/lib/i18n/locales';
import { langParams, resolveLang } from '@/lib/i18n/params';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { SubscribeForm } from './_components/subscribe-form';
import { WebhookForm } from './_components/webhook-form';

export const revalidate = 60;
export const generateStaticParams = langParams;

export async function generateMetadata({ params }: { params: Promise<{ lang: string }> }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  return pageMetadata(lang, '/subscribe', t.title, t.intro);
}

export default async function SubscribePage({ params }: { params: Promise<{ lang: string }> }) {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  const groups = await getComponentGroups();
  return (
    <>
      <SiteHeader lang={lang} path="/subscribe" />
      <main id="main" className="page">
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        <section aria-labelledby="email-heading">
          <h2 id="email-heading">{t.emailHeading}</h2>
          <SubscribeForm lang={lang} groups={groups} />
        </section>
        <section aria-labelledby="feeds-heading">
          <h2 id="feeds-heading">{t.feedsHeading}</h2>
          <p>{t.feedsIntro}</p>
          <ul>
            <li>
              <a href={localePath(lang, '/history.rss')}>RSS 2.0</a>
            </li>
            <li>
              <a href={localePath(lang, '/history.atom')}>Atom</a>
            </li>
          </ul>
        </section>
        <section aria-labelledby="webhooks" id="webhooks-section">
          <h2 id="webhooks">{t.webhookHeading}</h2>
          <p>{t.webhookIntro}</p>
          <WebhookForm lang={lang} groups={groups} />
        </section>
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
