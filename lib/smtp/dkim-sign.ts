import { createHash, sign, type KeyObject } from 'node:crypto';

// DKIM signing (RFC 6376: rsa-sha256, relaxed/relaxed) of a copy the fan-out has already built.
// nodemailer's DKIM option does the same through its stream pipeline at about 1.3 ms a copy here,
// which made signing the fan-out's bottleneck (≈580 msg/s against ≈2,200 unsigned in
// bench:notify); done directly on the string it is the RSA signature (≈0.3 ms) and little else,
// and that runs in libuv's thread pool (crypto.sign with a callback), beside the event loop that
// keeps the sessions and the outbox going.
// The signatures are checked by an independent verifier (mailauth) in dkim.test.ts and
// tests/integration/mta/dkim.test.ts. Confirmations keep nodemailer's option: they are few.

export interface DkimSignSettings {
  domainName: string;
  keySelector: string;
  privateKey: string | KeyObject;
  /** Colon-separated header names to sign; the ones a message lacks are left out of h=. */
  headerFieldNames?: string;
}

const DEFAULT_HEADERS = 'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

/** The message with a DKIM-Signature header in front, line ends made CRLF (as SMTP sends them). */
export async function dkimSign(raw: string, settings: DkimSignSettings): Promise<string> {
  const message = raw.replace(/\r?\n/g, '\r\n');
  const split = message.indexOf('\r\n\r\n');
  const head = split < 0 ? message : message.slice(0, split + 2);
  const body = split < 0 ? '' : message.slice(split + 4);

  const bodyHash = createHash('sha256').update(relaxedBody(body), 'utf8').digest('base64');
  const fields = headerFields(head);
  const names: string[] = [];
  let canonical = '';
  for (const name of new Set((settings.headerFieldNames ?? DEFAULT_HEADERS).toLowerCase().split(':').map((n) => n.trim()).filter(Boolean))) {
    // The last instance is the one a verifier takes first (RFC 6376 5.4.2).
    const field = fields.findLast((f) => f.name === name);
    if (!field) continue;
    names.push(name);
    canonical += `${relaxedHeader(field.text)}\r\n`;
  }
  const tag = (value: string) => value.replace(/[\x00-\x20\x7f;=]/g, '');
  const unsigned =
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${tag(settings.domainName)};\r\n` +
    ` s=${tag(settings.keySelector)}; bh=${bodyHash};\r\n` +
    ` h=${names.join(':')};\r\n` +
    ' b=';
  const signature = await new Promise<string>((resolve, reject) =>
    sign('sha256', Buffer.from(canonical + relaxedHeader(unsigned), 'utf8'), settings.privateKey, (error, value) => (error ? reject(error) : resolve(value.toString('base64')))),
  );
  return `${unsigned}${signature.replace(/.{1,72}/g, (chunk, offset: number) => (offset ? `\r\n ${chunk}` : chunk))}\r\n${message}`;
}

/** Header fields with their continuation lines, named in lower case. */
function headerFields(head: string): { name: string; text: string }[] {
  const fields: { name: string; text: string }[] = [];
  for (const line of head.split('\r\n')) {
    if (!line) continue;
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) last.text += `\r\n${line}`;
    else fields.push({ name: line.slice(0, Math.max(0, line.indexOf(':'))).replace(/[ \t]+$/, '').toLowerCase(), text: line });
  }
  return fields;
}

/** RFC 6376 3.4.2: lower-case name, unfolded, runs of WSP as one space, none around the colon or at the end. */
function relaxedHeader(text: string): string {
  const colon = text.indexOf(':');
  const name = text.slice(0, colon).replace(/[ \t]+$/, '').toLowerCase();
  const value = text
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
  return `${name}:${value}`;
}

/** RFC 6376 3.4.4: WSP runs as one space, none at line ends, no empty lines at the end. */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}
