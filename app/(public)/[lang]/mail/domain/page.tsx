import type { Metadata } from 'next';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { domainLookupMessages } from '@/lib/i18n/domain-lookup-messages';
import { resolveLang } from '@/lib/i18n/params';
import { lookupDomainDelay } from '@/lib/lookups/domain-delay';
import { pageMetadata } from '@/lib/site/metadata';
import { DomainAnswer } from './_components/domain-answer';
import { DomainForm } from './_components/domain-form';

// Rendered per request: the answer depends on the name asked for, and every lookup is counted
// against the client's limit. Without a name the page is the form alone.
export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ domain?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lang = await resolveLang(params);
  const t = domainLookupMessages(lang);
  return pageMetadata(lang, '/mail/domain', t.title, t.intro);
}

export default async function DomainDelayPage({ params, searchParams }: Props) {
  const lang = await resolveLang(params);
  const t = domainLookupMessages(lang);
  const raw = (await searchParams).domain;
  // A repeated parameter is no name at all, as an empty one.
  const asked = typeof raw === 'string' ? raw : Array.isArray(raw) ? '' : null;
  const result = asked === null ? null : await lookupDomainDelay(asked);
  const error = result?.status === 'invalid' ? t.errors[result.problem] : result?.status === 'rate_limited' ? t.errors.rate_limited : null;
  return (
    <>
      <SiteHeader lang={lang} path="/mail/domain" />
      <main id="main" className="page">
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        <DomainForm lang={lang} t={t} value={result?.status === 'answer' ? result.answer.domain : ''} error={error} />
        {result?.status === 'answer' && <DomainAnswer lang={lang} t={t} answer={result.answer} />}
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
