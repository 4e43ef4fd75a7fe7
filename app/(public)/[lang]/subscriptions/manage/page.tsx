import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { getComponentGroups } from '@/lib/components/queries';
import { localePath } from '@/lib/i18n/locales';
import { resolveLang } from '@/lib/i18n/params';
import { subscribeMessages } from '@/lib/i18n/subscribe-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { getSubscription } from '@/lib/subscribers/subscribe';
import { ManageForm } from './manage-form';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ token?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lang = await resolveLang(params);
  return { ...pageMetadata(lang, '/subscriptions/manage', subscribeMessages(lang).manageTitle, ''), robots: { index: false } };
}

export default async function ManagePage({ params, searchParams }: Props) {
  const lang = await resolveLang(params);
  const t = subscribeMessages(lang);
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw : '';
  const [subscription, groups] = await Promise.all([token ? getSubscription(token) : null, getComponentGroups()]);
  return (
    <>
      <SiteHeader lang={lang} path="/subscribe" />
      <main id="main" className="page">
        <h1>{t.manageTitle}</h1>
        {!subscription || subscription.status === 'unsubscribed' ? (
          <div className={subscription ? 'confirm-panel' : 'form-error'} role={subscription ? 'status' : 'alert'}>
            <p>{subscription ? t.unsubscribed : t.linkInvalid}</p>
            <p>
              <a href={localePath(lang, '/subscribe')}>{subscription ? t.subscribeAgain : t.subscribeLink}</a>
            </p>
          </div>
        ) : (
          <>
            <p>{t.manageIntro(subscription.email)}</p>
            <ManageForm
              lang={lang}
              token={token}
              groups={groups}
              noticeLang={subscription.lang}
              value={{ all: subscription.all, components: subscription.componentSlugs, groups: subscription.groupSlugs }}
            />
            <p className="manage-leave">
              <Link href={`${localePath(lang, '/unsubscribe')}?token=${encodeURIComponent(token)}`}>{t.unsubscribeTitle}</Link>
            </p>
          </>
        )}
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
