import 'server-only';
import type { SendMailOptions } from 'nodemailer';
import { env } from '../env';
import type { Lang } from '../i18n/locales';
import { siteName } from '../site/identity';
import { noticeFromAddress, noticeMailDomain } from '../site/mail-identity';
import { wrapHtml, type MailContent } from './content';

// A one-off mail (a confirmation) from the site's address, for nodemailer to encode and send
// (lib/smtp/transport.ts). Notices to the list are built differently: lib/notices/render/notice-mail.ts.

export function fromHeader(lang: Lang) {
  return { name: siteName(lang), address: noticeFromAddress() };
}

/**
 * Without list headers: the address is not on the list yet. The envelope sender is the From
 * address (the site's domain by default), so bounces and alignment name the same domain as
 * the notices; Feedback-ID sets these mails apart from the notices in a provider's complaint loop.
 */
export function composeDirectMail(content: MailContent, lang: Lang, to: string): SendMailOptions {
  return {
    envelope: { from: noticeFromAddress(), to: [to] },
    from: fromHeader(lang),
    replyTo: env.NOTICE_REPLY_TO ?? noticeFromAddress(),
    to,
    subject: content.subject,
    text: content.text,
    html: wrapHtml(content.html, lang),
    date: new Date(),
    textEncoding: 'base64',
    headers: { 'Feedback-ID': `subscription:tayori:${noticeMailDomain()}`, 'Auto-Submitted': 'auto-generated' },
  };
}
