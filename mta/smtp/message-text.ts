// Byte-level fixes applied to message data at DATA time.

/**
 * Turns bare LF line ends into CRLF, so stored mail has one line-ending convention. For a message
 * that arrives in chunks, `afterCr` says whether the previous chunk ended with CR (then an LF at
 * the start of this one is not bare).
 */
export function normalizeLineEndings(data: Buffer, afterCr = false): Buffer {
  const bareAt = (i: number) => (i === 0 ? !afterCr : data[i - 1] !== 13);
  let bare = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) if (bareAt(i)) bare++;
  if (bare === 0) return data;
  const out = Buffer.allocUnsafe(data.length + bare);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 10 && bareAt(i)) out[o++] = 13;
    out[o++] = byte;
  }
  return out;
}

export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export function receivedHeader(options: {
  helo: string;
  clientHostname: string | undefined;
  clientIp: string;
  hostname: string;
  protocol: string;
  queueId: string;
  recipients: string[];
  date: Date;
}): string {
  const clean = (s: string) => s.replace(/[^\x21-\x7e]/g, '?');
  const reverse = options.clientHostname && !options.clientHostname.startsWith('[') ? clean(options.clientHostname) : 'unknown';
  const forClause = options.recipients.length === 1 ? `\r\n\tfor <${clean(options.recipients[0]!)}>` : '';
  return `Received: from ${clean(options.helo || 'unknown')} (${reverse} [${options.clientIp}])\r\n\tby ${options.hostname} (Tayori) with ${options.protocol} id ${options.queueId}${forClause};\r\n\t${rfc5322Date(options.date)}\r\n`;
}

/** RFC 5321 mailbox syntax, loosely: something@domain with no spaces, brackets or controls. */
export function isPlausibleAddress(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at < 1 || at === address.length - 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || /[\s<>()[\]\\,;:"\x00-\x1f\x7f]/.test(local.replace(/^".*"$/, 'q'))) return false;
  if (domain.startsWith('[')) return /^\[(?:IPv6:)?[0-9a-fA-F.:]+\]$/.test(domain);
  return /^[^\s.@<>()[\]\\,;:"\x00-\x1f\x7f]+(?:\.[^\s.@<>()[\]\\,;:"\x00-\x1f\x7f]+)*$/.test(domain);
}
