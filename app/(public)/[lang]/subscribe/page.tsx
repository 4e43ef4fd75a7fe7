import type { Metadata } from 'next';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { getComponentGroups } from '@/lib/components/queries';
import { localePath } from '@/lib/i18n/locales';
import { resolveLang } from '@/lib/i18n/params';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { SubscribeChannels, type Channel } from './_components/subscribe-channels';

// The channel (?channel=email|webhook) is read per request: without script, the tabs are links.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ channel?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  return pageMetadata(lang, '/subscribe', t.title, t.intro);
}

export default async function SubscribePage({ params, searchParams }: Props) {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  const channel: Channel = (await searchParams).channel === 'webhook' ? 'webhook' : 'email';
  const groups = await getComponentGroups();
  return (
    <>
      <SiteHeader lang={lang} path="/subscribe" />
      <main id="main" className="page">
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        <SubscribeChannels lang={lang} groups={groups} initialChannel={channel} />
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
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
