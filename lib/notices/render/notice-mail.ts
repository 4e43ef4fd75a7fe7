import 'server-only';
import { env, type Env } from '../../env';
import type { Lang } from '../../i18n/locales';
import { escapeAttr, wrapHtml, type MailContent } from '../../mime/content';
import { buildCopy, encodeSharedHead, prepareMime, type PreparedMime, type SharedHead } from '../../mime/message';
import { siteName } from '../../site/identity';
import { mailIdentityWarnings, noticeFromAddress, noticeMailDomain } from '../../site/mail-identity';
import { listUnsubscribeWarnings, type SubscriberLinks } from '../../subscribers/links';
import { verpSender } from '../bounces/verp';

// A notice as each subscriber's copy: the notice's subject and bodies, a footer with the
// subscriber's own links, and the headers large mailbox providers expect of a sender of bulk mail
// (Gmail's and Yahoo's 2024 rules): From, Return-Path, Message-ID and List-Id all on the site's
// domain, RFC 8058 one-click List-Unsubscribe, a Feedback-ID for their complaint loops. What every
// copy shares is encoded once per notice and language (prepareNotice); each copy adds its own end.

/** The right-hand side of Message-IDs: the From address's domain. */
export function messageIdDomain(): string {
  return noticeMailDomain();
}

/** Which notice a copy belongs to, for the headers that name it. */
export interface NoticeIdentity {
  id: string;
  /** One of NOTICE_KINDS (lib/status/notice-kinds.ts), as the notice row stores it. */
  kind: string;
}

/**
 * RFC 2919 List-Id: one list per site, `<notices.<domain>>`, described by the site's English name
 * when that is plain ASCII (readable as it is to every filter and log), else "Tayori Status".
 * Filters and providers group the notices by it; it never changes with the notice or language.
 */
export function noticeListId(settings: Pick<Env, 'SITE_URL' | 'NOTICE_FROM_ADDRESS' | 'SITE_NAME_EN'> = env): string {
  const name = /^[\x20-\x7e]+$/.test(settings.SITE_NAME_EN) ? settings.SITE_NAME_EN.trim() : 'Tayori Status';
  const phrase = /^[\w !#$%&'*+\-/=?^`{|}~]+$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
  return `${phrase} <notices.${noticeMailDomain(settings)}>`;
}

/**
 * Feedback-ID as Gmail's feedback loop reads it, `a:b:c:SenderId` with the sender's own id last:
 * the notice's kind and id, then "tayori" and the sending domain, so a complaint rate can be told
 * apart per notice and per kind of mail.
 */
export function noticeFeedbackId(notice: NoticeIdentity): string {
  return `${notice.kind}:${notice.id}:tayori:${noticeMailDomain()}`;
}

/** Which delivery a copy is: a notice and a subscriber. */
export interface CopyIds {
  subscriberId: string;
  noticeId: string;
}

/**
 * The envelope sender (Return-Path) of one copy: an address of its own at the notices' domain
 * (VERP, lib/notices/bounces/verp.ts), so that what comes back for it is applied to it.
 */
export function noticeEnvelopeSender(ids: CopyIds): string {
  return verpSender(ids.subscriberId, ids.noticeId);
}

/**
 * What the worker (and the site) should say at start about how notices will be received: an
 * identity on localhost or an IP address, a List-Unsubscribe link that is not https.
 */
export function noticeSettingsWarnings(settings: Pick<Env, 'SITE_URL' | 'NOTICE_FROM_ADDRESS'> = env): string[] {
  return [...mailIdentityWarnings(settings), ...listUnsubscribeWarnings(settings)];
}

const FOOTER = {
  ja: { unsubscribe: '配信停止', manage: '配信設定の変更', why: 'このメールは、ステータス情報の配信をお申し込みいただいた方にお送りしています。' },
  en: { unsubscribe: 'Unsubscribe', manage: 'Change your subscription', why: 'You receive this because you subscribed to status notices.' },
} as const;

/**
 * The bodies of a notice's copies: what every copy shares (the notice and the footer's first
 * words), and each subscriber's own end (their links). The text part has CRLF line ends, as sent.
 */
function noticeBodies(content: MailContent, lang: Lang) {
  const f = FOOTER[lang];
  const [htmlOpen, htmlClose] = wrapHtml('\0', lang).split('\0') as [string, string];
  return {
    textHead: crlf(`${content.text}\n\n--\n${f.why}\n`),
    textTail: (links: SubscriberLinks) => crlf(`${f.unsubscribe}: ${links.unsubscribePage}\n${f.manage}: ${links.manage}\n`),
    htmlHead: `${htmlOpen}${content.html}<hr><p style="font-size:12px;color:#555">${f.why}<br>`,
    htmlTail: (links: SubscriberLinks) => `<a href="${escapeAttr(links.unsubscribePage)}">${f.unsubscribe}</a> · <a href="${escapeAttr(links.manage)}">${f.manage}</a></p>${htmlClose}`,
  };
}

/**
 * One copy's subject, text and HTML exactly as its parts decode (noticeCopy encodes these same
 * strings): the console previews a notice with it.
 */
export function noticeMailParts(content: MailContent, lang: Lang, links: SubscriberLinks): MailContent {
  const bodies = noticeBodies(content, lang);
  return { subject: content.subject, text: bodies.textHead + bodies.textTail(links), html: bodies.htmlHead + bodies.htmlTail(links) };
}

export interface PreparedNotice {
  lang: Lang;
  content: MailContent;
  mime: PreparedMime;
  bodies: ReturnType<typeof noticeBodies>;
  /** The bodies up to the subscriber's own links, encoded once (lib/mime/message.ts, SharedHead). */
  textHead: SharedHead;
  htmlHead: SharedHead;
}

/** Encodes what every copy of a notice in one language shares, once. */
export function prepareNotice(content: MailContent, lang: Lang, notice: NoticeIdentity): PreparedNotice {
  const mime = prepareMime({
    fromName: siteName(lang),
    fromAddress: noticeFromAddress(),
    replyTo: env.NOTICE_REPLY_TO ?? noticeFromAddress(),
    subject: content.subject,
    headers: {
      'List-Id': noticeListId(),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Feedback-ID': noticeFeedbackId(notice),
      // As mailing lists send: no vacation replies to a notice (with Auto-Submitted, RFC 3834), and
      // SpamAssassin counts it in the notice's favour (MAILING_LIST_MULTI, spamassassin.test.ts).
      Precedence: 'bulk',
      'Auto-Submitted': 'auto-generated',
    },
  });
  const bodies = noticeBodies(content, lang);
  return { lang, content, mime, bodies, textHead: encodeSharedHead(bodies.textHead), htmlHead: encodeSharedHead(bodies.htmlHead) };
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** One subscriber's copy: the notice plus their own links, as a raw message with its envelope. */
export function noticeCopy(prepared: PreparedNotice, to: string, messageId: string, links: SubscriberLinks, ids: CopyIds, now = new Date()): { envelope: { from: string; to: string[] }; raw: string } {
  const raw = buildCopy(prepared.mime, {
    to,
    messageId,
    date: now,
    // RFC 2369: one header listing the https URL and the mailto; RFC 8058: the URL takes a one-click POST.
    headers: { 'List-Unsubscribe': `<${links.oneClick}>, <${links.mailto}>` },
    text: { head: prepared.textHead, tail: prepared.bodies.textTail(links) },
    html: { head: prepared.htmlHead, tail: prepared.bodies.htmlTail(links) },
  });
  return { envelope: { from: noticeEnvelopeSender(ids), to: [to] }, raw };
}
