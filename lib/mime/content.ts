import type { Lang } from '../i18n/locales';

// What a mail says, before it is encoded: subject, plain text and an HTML document around the body.

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** The HTML part's document around `body`. */
export function wrapHtml(body: string, lang: Lang): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.6">${body}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/"/g, '&quot;');
}
