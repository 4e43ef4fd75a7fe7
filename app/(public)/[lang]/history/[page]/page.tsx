import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { messages } from '@/lib/i18n/messages';
import { resolveLang } from '@/lib/i18n/params';
import { pageMetadata } from '@/lib/site/metadata';
import { HistoryView, historyPath } from '../history-view';

export const revalidate = 30;

type Params = Promise<{ lang: string; page: string }>;

async function pageNumber(params: Params): Promise<number> {
  const { page } = await params;
  // Page 1 lives at /history; only canonical numbers are pages.
  if (!/^[1-9]\d{0,5}$/.test(page) || page === '1') notFound();
  return Number(page);
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const lang = await resolveLang(params);
  const page = await pageNumber(params);
  const t = messages(lang);
  return pageMetadata(lang, historyPath(page), `${t.historyHeading} (${t.page(page, page)})`, t.historyHeading);
}

export default async function HistoryPageN({ params }: { params: Params }) {
  return <HistoryView lang={await resolveLang(params)} page={await pageNumber(params)} />;
}
