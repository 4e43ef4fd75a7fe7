export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'ja';

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

/** The URL of a page in a language: Japanese at the root, English under /en. */
export function localePath(lang: Lang, path: string): string {
  const clean = path.startsWith('/') ? path : `/${path}`;
  if (lang === DEFAULT_LANG) return clean;
  return clean === '/' ? `/${lang}` : `/${lang}${clean}`;
}

/** Picks the field of a bilingual pair for the language. */
export function pick<T>(lang: Lang, ja: T, en: T): T {
  return lang === 'ja' ? ja : en;
}
