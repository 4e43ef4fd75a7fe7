import { simpleParser, type Attachment } from 'mailparser';
import { messageIdFromHeaders } from '#contracts/message-id';

// Reads what comes back to a notice copy's return path: a delivery status notification (RFC 3464,
// multipart/report; report-type=delivery-status) or a complaint (RFC 5965 ARF,
// report-type=feedback-report). MIME is mailparser's; the report fields themselves are plain
// "Name: value" blocks. Nothing here decides whose report it is: the addresses it may have been
// sent to and the original Message-ID are handed on, and only a signed return path is believed
// (lib/notices/bounces/verp.ts).

/** hard: refused for good (counts towards pausing); soft: delayed or refused for now (recorded); complaint: marked as spam. */
export type BounceKind = 'hard' | 'soft' | 'complaint';

export interface BounceReport {
  /** null: nothing to act on (a success notification, an auto-reply, a feedback report that is not abuse). */
  kind: BounceKind | null;
  /** The failed recipient's status and the remote server's words, or the feedback type, for the console; at most 500 characters. */
  diagnostic: string;
  /**
   * Addresses the report may have been sent to, where our return path would be: the report's
   * Delivered-To, X-Original-To and To, ARF's Original-Mail-From, and the Return-Path of the
   * returned message.
   */
  returnPaths: string[];
  /** The Message-ID of the returned message (canonical, without <>), when the report includes its headers. */
  originalMessageId?: string;
}

const DIAGNOSTIC_LENGTH = 500;
const DELIVERY_STATUS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const RETURNED_MESSAGE = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);
const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

export async function parseBounceReport(raw: Buffer | string): Promise<BounceReport> {
  // keepDeliveryStatus: the status part as a part of its own, not appended to the text; ignoreEmbedded:
  // the returned message as it is (its header lines are what is looked at), even when marked inline.
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true, ignoreEmbedded: true });
  const headerAddresses = mail.headerLines
    .filter((h) => h.key === 'delivered-to' || h.key === 'x-original-to' || h.key === 'to')
    .flatMap((h) => addressesIn(h.line.slice(h.line.indexOf(':') + 1)));
  const returned = mail.attachments.find((a) => RETURNED_MESSAGE.has(a.contentType));
  const returnedHead = returned ? headSection(text(returned)) : '';
  const returnPaths = [...headerAddresses, ...addressesIn(fieldValues(returnedHead, 'return-path').join(' '))];
  const originalMessageId = returnedHead ? messageIdFromHeaders(returnedHead) : undefined;
  const reportType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = reportType?.value?.toLowerCase() === 'multipart/report';

  const feedback = mail.attachments.find((a) => a.contentType === 'message/feedback-report');
  if (isReport && feedback) {
    const fields = reportBlocks(text(feedback))[0] ?? [];
    const type = field(fields, 'feedback-type')?.toLowerCase() ?? '';
    const originalFrom = field(fields, 'original-mail-from');
    return {
      kind: type === 'abuse' ? 'complaint' : null,
      diagnostic: cut(`feedback-type ${type || '(none)'}`),
      returnPaths: [...returnPaths, ...addressesIn(originalFrom ?? '')],
      originalMessageId,
    };
  }

  const status = mail.attachments.find((a) => DELIVERY_STATUS.has(a.contentType));
  if (!isReport || !status) return { kind: null, diagnostic: '', returnPaths, originalMessageId };
  // The first block is about the message, each later one about one recipient.
  const recipients = reportBlocks(text(status)).slice(1).map(recipientOutcome);
  const worst = recipients.find((r) => r.kind === 'hard') ?? recipients.find((r) => r.kind === 'soft');
  return { kind: worst?.kind ?? null, diagnostic: cut(worst?.diagnostic ?? ''), returnPaths, originalMessageId };
}

/** Action failed with a 5.x.x status: hard; failed with 4.x.x, or delayed: soft; delivered, relayed, expanded: nothing. */
function recipientOutcome(fields: [string, string][]): { kind: BounceKind | null; diagnostic: string } {
  const action = field(fields, 'action')?.toLowerCase() ?? '';
  const status = /^([245])\.\d{1,3}\.\d{1,3}/.exec(field(fields, 'status') ?? '');
  const diagnostic = [status?.[0], field(fields, 'diagnostic-code')].filter(Boolean).join(' ');
  if (action === 'failed' && status?.[1] === '5') return { kind: 'hard', diagnostic };
  if (action === 'delayed' || (action === 'failed' && status?.[1] === '4')) return { kind: 'soft', diagnostic };
  return { kind: null, diagnostic };
}

/** "Name: value" blocks separated by blank lines (RFC 3464 §2.1), continuation lines unfolded, names in lower case. */
export function reportBlocks(body: string): [string, string][][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) =>
      block
        .replace(/\n[ \t]+/g, ' ')
        .split('\n')
        .map((line) => {
          const colon = line.indexOf(':');
          return colon > 0 ? ([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string]) : null;
        })
        .filter((f): f is [string, string] => f !== null),
    )
    .filter((block) => block.length > 0);
}

function field(fields: [string, string][], name: string): string | undefined {
  return fields.find(([n]) => n === name)?.[1];
}

function fieldValues(head: string, name: string): string[] {
  return (reportBlocks(head)[0] ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

function text(part: Attachment): string {
  return part.content.toString('utf8');
}

function headSection(message: string): string {
  const end = message.search(/\r?\n\r?\n/);
  return end === -1 ? message : message.slice(0, end);
}

function addressesIn(value: string): string[] {
  return value.match(ADDRESS) ?? [];
}

function cut(value: string): string {
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return oneLine.length > DIAGNOSTIC_LENGTH ? `${oneLine.slice(0, DIAGNOSTIC_LENGTH - 1)}…` : oneLine;
}
