import { notFound } from 'next/navigation';
import { isLang, LANGS, type Lang } from './locales';

export const langParams = () => LANGS.map((lang) => ({ lang }));

/** The language of a route's [lang] segment; anything else is a 404. */
export async function resolveLang(params: Promise<{ lang: string }>): Promise<Lang> {
  const { lang } = await params;
  if (!isLang(lang)) notFound();
  return lang;
}
