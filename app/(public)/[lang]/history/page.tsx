import type { Metadata } from 'next';
import { messages } from '@/lib/i18n/messages';
import { langParams, resolveLang } from '@/lib/i18n/params';
import { pageMetadata } from '@/lib/site/metadata';
import { HistoryView } from './history-view';

export const revalidate = 30;
export const generateStaticParams = langParams;

export async function generateMetadata({ params }: { params: Promise<{ lang: string }> }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const t = messages(lang);
  return pageMetadata(lang, '/history', t.historyHeading, t.historyHeading);
}

export default async function HistoryPage({ params }: { params: Promise<{ lang: string }> }) {
  return <HistoryView lang={await resolveLang(params)} page={1} />;
}
