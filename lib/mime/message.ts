import { randomBytes } from 'node:crypto';
import libmime from 'libmime';

// One notice goes to thousands of subscribers who differ only in the address, the Message-ID and
// their own links. nodemailer's composer would rebuild the whole MIME tree for every copy (about
// 2.5 ms each, the bottleneck of a fan-out), so the shared part is encoded once per notice and
// language with libmime's header encoders, and each copy only adds its own headers and
// base64 bodies. The copy goes out as a raw message through the fan-out's sessions (lib/smtp/sender.ts).

export interface MimeParts {
  fromName: string;
  fromAddress: string;
  replyTo: string;
  subject: string;
  /** Extra shared headers, already ASCII. */
  headers: Record<string, string>;
}

export interface PreparedMime {
  sharedHeaders: string;
  boundary: string;
}

const CRLF = '\r\n';

// Header encoding by libmime (nodemailer's sister library, mailparser's too): for these values it
// writes what nodemailer's own, private, encoders wrote.
const foldLines = (line: string, length: number) => libmime.foldLines(line, length);
const isPlainText = (value: string) => libmime.isPlainText(value);
/** The whole value as RFC 2047 encoded words. */
const encodeWords = (value: string, encoding: 'B', maxLength: number) => libmime.encodeWord(value, encoding, maxLength);
const quoteString = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

function header(name: string, value: string): string {
  return foldLines(`${name}: ${value}`, 76) + CRLF;
}

function displayName(name: string): string {
  if (isPlainText(name)) return /^[\w ]*$/.test(name) ? name : quoteString(name);
  return encodeWords(name, 'B', 52);
}

export function prepareMime(parts: MimeParts): PreparedMime {
  for (const v of [parts.fromName, parts.fromAddress, parts.replyTo, parts.subject, ...Object.values(parts.headers)]) {
    if (/[\r\n]/.test(v)) throw new Error('header values cannot contain line breaks');
  }
  const boundary = `--_tayori_${randomBytes(12).toString('hex')}`;
  const sharedHeaders =
    header('From', `${displayName(parts.fromName)} <${parts.fromAddress}>`) +
    header('Reply-To', parts.replyTo) +
    header('Subject', isPlainText(parts.subject) ? parts.subject : encodeWords(parts.subject, 'B', 52)) +
    Object.entries(parts.headers).map(([k, v]) => header(k, v)).join('') +
    header('MIME-Version', '1.0') +
    header('Content-Type', `multipart/alternative; boundary="${boundary}"`);
  return { sharedHeaders, boundary };
}

/** RFC 5322 date in UTC: "Sun, 29 Nov 2026 07:58:14 +0000". */
export function mailDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function base64Lines(text: string | Buffer): string {
  const encoded = (typeof text === 'string' ? Buffer.from(text, 'utf8') : text).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join(CRLF);
}

/** 57 bytes are exactly one 76-character base64 line. */
const LINE_BYTES = 57;

/**
 * The beginning of a body that is the same in every copy, encoded once: its whole base64 lines,
 * and the few bytes after them (less than one line) that each copy encodes with its own end.
 * base64(head + tail) is exactly `encoded` + base64(rest + tail), so the copy is byte for byte
 * the text it was built from: nothing is added to make the head fill whole lines.
 */
export interface SharedHead {
  encoded: string;
  rest: Buffer;
}

/** A body whose beginning is shared by every copy (see SharedHead) and whose end is the copy's own. */
export interface SplitBody {
  head: SharedHead;
  tail: string;
}

export function encodeSharedHead(head: string): SharedHead {
  const bytes = Buffer.from(head, 'utf8');
  const whole = bytes.length - (bytes.length % LINE_BYTES);
  return { encoded: whole ? base64Lines(bytes.subarray(0, whole)) + CRLF : '', rest: bytes.subarray(whole) };
}

function encodeBody(body: string | SplitBody): string {
  return typeof body === 'string' ? base64Lines(body) : body.head.encoded + base64Lines(Buffer.concat([body.head.rest, Buffer.from(body.tail, 'utf8')]));
}

export interface CopyParts {
  to: string;
  messageId: string;
  date: Date;
  /** Per-copy headers (List-Unsubscribe): ASCII, folded here. */
  headers: Record<string, string>;
  text: string | SplitBody;
  html: string | SplitBody;
}

export function buildCopy(prepared: PreparedMime, copy: CopyParts): string {
  if (/[\r\n]/.test(copy.to) || /[\r\n]/.test(copy.messageId)) throw new Error('header values cannot contain line breaks');
  const part = (type: string, body: string | SplitBody) =>
    `--${prepared.boundary}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${encodeBody(body)}${CRLF}`;
  return (
    header('Message-ID', copy.messageId) +
    header('Date', mailDate(copy.date)) +
    header('To', copy.to) +
    Object.entries(copy.headers).map(([k, v]) => header(k, v)).join('') +
    prepared.sharedHeaders +
    CRLF +
    part('text/plain', copy.text) +
    part('text/html', copy.html) +
    `--${prepared.boundary}--${CRLF}`
  );
}
