import 'server-only';
import { readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { env } from '../env';
import { localePath, pick, type Lang } from '../i18n/locales';
import { signManageToken } from '../subscribers/tokens';
import { buildCopy, encodeSharedHead, prepareMime, type PreparedMime, type SharedHead } from './mime';
import { SmtpSender } from './smtp-sender';
import { nodemailerOptions, smtpClientSettings } from './smtp-url';

// Everything about how a mail leaves Tayori: the pooled SMTP transport, the From/Reply-To
// headers, the RFC 8058 unsubscribe headers, DKIM. Templates only produce subject and bodies.

export function createTransport(maxConnections = env.NOTICE_WORKER_CONCURRENCY): Transporter {
  const dkim = dkimOptions();
  // TLS and login as smtp-url.ts reads SMTP_URL: certificates verified, the bundled MTA's local
  // submission credential when SMTP_URL is the MTA on loopback.
  return nodemailer.createTransport({
    ...nodemailerOptions(smtpClientSettings(env.SMTP_URL, env.DATA_DIR)),
    pool: true,
    maxConnections,
    maxMessages: Infinity,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    ...(dkim ? { dkim } : {}),
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

export function dkimOptions() {
  if (!env.DKIM_DOMAIN || !env.DKIM_SELECTOR) return null;
  const privateKey = env.DKIM_PRIVATE_KEY ?? (env.DKIM_PRIVATE_KEY_FILE ? readFileSync(env.DKIM_PRIVATE_KEY_FILE, 'utf8') : null);
  if (!privateKey) return null;
  return { domainName: env.DKIM_DOMAIN, keySelector: env.DKIM_SELECTOR, privateKey };
}

/** The fan-out's sender: NOTICE_WORKER_CONCURRENCY SMTP sessions kept open to SMTP_URL. */
export function createNoticeSender(connections = env.NOTICE_WORKER_CONCURRENCY): SmtpSender {
  return new SmtpSender(env.SMTP_URL, connections, dkimOptions(), { dataDir: env.DATA_DIR });
}

export function siteName(lang: Lang): string {
  return pick(lang, env.SITE_NAME_JA, env.SITE_NAME_EN);
}

export function fromHeader(lang: Lang) {
  return { name: siteName(lang), address: env.NOTICE_FROM_ADDRESS };
}

/** The right-hand side of Message-IDs: the From address's domain. */
export function messageIdDomain(): string {
  return env.NOTICE_FROM_ADDRESS.split('@')[1]!;
}

/**
 * A Message-ID fixed per (notice, subscriber) when the delivery row is created (enqueue.ts builds
 * the same string in SQL): a copy sent again is recognisably the same mail.
 */
export function noticeMessageId(noticeId: string, subscriberId: string): string {
  return `<${noticeId}.${subscriberId}@${messageIdDomain()}>`;
}

export function siteUrl(path: string): string {
  return new URL(path, env.SITE_URL).toString();
}

export interface SubscriberLinks {
  manage: string;
  unsubscribePage: string;
  oneClick: string;
  mailto: string;
}

export function subscriberLinks(subscriberId: string, tokenVersion: number, lang: Lang): SubscriberLinks {
  return linksWithToken(signManageToken(subscriberId, tokenVersion), subscriberId, lang);
}

/**
 * The links of the console's notice preview: the ones every subscriber gets, with a stand-in
 * where each has their own token and id (nothing is signed for a subscriber who does not exist).
 */
export function sampleSubscriberLinks(lang: Lang): SubscriberLinks {
  return linksWithToken(SAMPLE_TOKEN, SAMPLE_SUBSCRIBER, lang);
}

export const SAMPLE_SUBSCRIBER = 'SUBSCRIBER-ID';
export const SAMPLE_TOKEN = 'SUBSCRIBER-TOKEN';

function linksWithToken(rawToken: string, subscriberId: string, lang: Lang): SubscriberLinks {
  const token = encodeURIComponent(rawToken);
  const mailtoAddress = env.NOTICE_UNSUBSCRIBE_MAILTO ?? env.NOTICE_FROM_ADDRESS;
  return {
    manage: siteUrl(`${localePath(lang, '/subscriptions/manage')}?token=${token}`),
    unsubscribePage: siteUrl(`${localePath(lang, '/unsubscribe')}?token=${token}`),
    oneClick: siteUrl(`/api/unsubscribe?token=${token}`),
    mailto: `mailto:${mailtoAddress}?subject=${encodeURIComponent(`unsubscribe ${subscriberId}`)}`,
  };
}

export interface NoticeContent {
  subject: string;
  text: string;
  html: string;
}

const FOOTER = {
  ja: { unsubscribe: '配信停止', manage: '配信設定の変更', why: 'このメールは、ステータス情報の配信をお申し込みいただいた方にお送りしています。' },
  en: { unsubscribe: 'Unsubscribe', manage: 'Change your subscription', why: 'You receive this because you subscribed to status notices.' },
} as const;

/**
 * The bodies of a notice's copies: what every copy shares (the notice and the footer's first
 * words), and each subscriber's own end (their links). The text part has CRLF line ends, as sent.
 */
function noticeBodies(content: NoticeContent, lang: Lang) {
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
export function noticeMailParts(content: NoticeContent, lang: Lang, links: SubscriberLinks): NoticeContent {
  const bodies = noticeBodies(content, lang);
  return { subject: content.subject, text: bodies.textHead + bodies.textTail(links), html: bodies.htmlHead + bodies.htmlTail(links) };
}

export interface PreparedNotice {
  lang: Lang;
  content: NoticeContent;
  mime: PreparedMime;
  bodies: ReturnType<typeof noticeBodies>;
  /** The bodies up to the subscriber's own links, encoded once (mime.ts, SharedHead). */
  textHead: SharedHead;
  htmlHead: SharedHead;
}

/** Encodes what every copy of a notice in one language shares, once. */
export function prepareNotice(content: NoticeContent, lang: Lang): PreparedNotice {
  const mime = prepareMime({
    fromName: siteName(lang),
    fromAddress: env.NOTICE_FROM_ADDRESS,
    replyTo: env.NOTICE_REPLY_TO ?? env.NOTICE_FROM_ADDRESS,
    subject: content.subject,
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
  });
  const bodies = noticeBodies(content, lang);
  return { lang, content, mime, bodies, textHead: encodeSharedHead(bodies.textHead), htmlHead: encodeSharedHead(bodies.htmlHead) };
}

const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** One subscriber's copy: the notice plus their own links, as a raw message with its envelope. */
export function noticeCopy(prepared: PreparedNotice, to: string, messageId: string, links: SubscriberLinks, now = new Date()): { envelope: { from: string; to: string[] }; raw: string } {
  const raw = buildCopy(prepared.mime, {
    to,
    messageId,
    date: now,
    // RFC 2369: one header listing the https URL and the mailto; RFC 8058: the URL takes a one-click POST.
    headers: { 'List-Unsubscribe': `<${links.oneClick}>, <${links.mailto}>` },
    text: { head: prepared.textHead, tail: prepared.bodies.textTail(links) },
    html: { head: prepared.htmlHead, tail: prepared.bodies.htmlTail(links) },
  });
  return { envelope: { from: env.NOTICE_FROM_ADDRESS, to: [to] }, raw };
}

/** A one-off mail (confirmation) without list headers: the address is not on the list yet. */
export function composeDirectMail(content: NoticeContent, lang: Lang, to: string): SendMailOptions {
  return {
    from: fromHeader(lang),
    replyTo: env.NOTICE_REPLY_TO ?? env.NOTICE_FROM_ADDRESS,
    to,
    subject: content.subject,
    text: content.text,
    html: wrapHtml(content.html, lang),
    date: new Date(),
    textEncoding: 'base64',
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

function wrapHtml(body: string, lang: Lang): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.6">${body}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/"/g, '&quot;');
}

let shared: { transport: Transporter; withLocalCredential: boolean } | null = null;

/**
 * One pooled transport per process for mails sent from the site (confirmations). nodemailer takes
 * its login once, when the transport is made: one made before the bundled MTA had written its
 * submission credential is replaced as soon as the credential is there.
 */
export function sharedTransport(): Transporter {
  const withLocalCredential = smtpClientSettings(env.SMTP_URL, env.DATA_DIR).localCredential() !== null;
  if (shared && !shared.withLocalCredential && withLocalCredential) {
    shared.transport.close();
    shared = null;
  }
  shared ??= { transport: createTransport(2), withLocalCredential };
  return shared.transport;
}
