import type { Metadata } from 'next';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { langParams, resolveLang } from '@/lib/i18n/params';
import { mailTraceMessages } from '@/lib/i18n/mail-trace-messages';
import { pageMetadata } from '@/lib/site/metadata';
import { TraceForm } from './_components/trace-form';

// The form alone is static; each lookup is a server action (a POST) answered on this page.
export const revalidate = 3600;
export const generateStaticParams = langParams;

export async function generateMetadata({ params }: { params: Promise<{ lang: string }> }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const t = mailTraceMessages(lang);
  return pageMetadata(lang, '/mail/trace', t.title, t.intro);
}

export default async function MailTracePage({ params }: { params: Promise<{ lang: string }> }) {
  const lang = await resolveLang(params);
  const t = mailTraceMessages(lang);
  return (
    <>
      <SiteHeader lang={lang} path="/mail/trace" />
      <main id="main" className="page">
        <h1>{t.title}</h1>
        <p>{t.intro}</p>
        <p>{t.privacy}</p>
        <TraceForm lang={lang} />
      </main>
      <SiteFooter lang={lang} />
    </>
  );
}
