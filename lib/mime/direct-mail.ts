import 'server-only';
import type { SendMailOptions } from 'nodemailer';
import { env } from '../env';
import type { Lang } from '../i18n/locales';
import { siteName } from '../site/identity';
import { noticeFromAddress } from '../site/mail-identity';
import { wrapHtml, type MailContent } from './content';

// A one-off mail (a confirmation) from the site's address, for nodemailer to encode and send
// (lib/smtp/transport.ts). Notices to the list are built differently: lib/notices/render/notice-mail.ts.

export function fromHeader(lang: Lang) {
  return { name: siteName(lang), address: noticeFromAddress() };
}

/** Without list headers: the address is not on the list yet. */
export function composeDirectMail(content: MailContent, lang: Lang, to: string): SendMailOptions {
  return {
    from: fromHeader(lang),
    replyTo: env.NOTICE_REPLY_TO ?? noticeFromAddress(),
    to,
    subject: content.subject,
    text: content.text,
    html: wrapHtml(content.html, lang),
    date: new Date(),
    textEncoding: 'base64',
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
