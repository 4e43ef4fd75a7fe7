// Header work done at delivery: the scan verdict headers, and removal of any X-Spam-* and
// X-Tayori-Lane headers a sender put in themselves (otherwise a spammer could mark their own mail
// as checked and clean, or as the status site's own).
import type { ScanResult } from '../spool/spool.js';

/** Headers only this MTA may write: a sender's copies of them are dropped. */
const OURS = /^(?:x-spam-|x-tayori-lane[ \t]*:)/i;

/** Whether a header block has any header only this MTA may write (see withoutSpamHeaders). */
export function hasOwnHeaders(headers: string): boolean {
  return /^(?:x-spam-|x-tayori-lane[ \t]*:)/im.test(headers);
}

export function splitHeaders(message: Buffer): { headers: string; bodyOffset: number } {
  let end = message.indexOf('\r\n\r\n');
  let sep = 4;
  const lf = message.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    sep = 2;
  }
  if (end < 0) return { headers: message.toString('latin1'), bodyOffset: message.length };
  return { headers: message.subarray(0, end).toString('latin1'), bodyOffset: end + sep };
}

export function withoutSpamHeaders(message: Buffer): Buffer {
  const { headers, bodyOffset } = splitHeaders(message);
  if (!hasOwnHeaders(headers)) return message;
  const kept: string[] = [];
  let dropping = false;
  for (const line of headers.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = OURS.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(`${kept.join('\r\n')}\r\n\r\n`, 'latin1'), message.subarray(bodyOffset)]);
}

export function scanHeaders(result: ScanResult | null, junkScore: number): string {
  if (!result) return '';
  if (result.check === 'skipped') return `X-Spam-Check: skipped (${result.detail})\r\n`;
  if (result.check === 'failed') return `X-Spam-Check: failed (${result.detail.replace(/[\r\n]+/g, ' ').slice(0, 200)})\r\n`;
  const lines = [`X-Spam-Check: done (${result.scanners.join(',')})`];
  if (result.score !== null) {
    const tests = result.detail ? result.detail.replace(/[\r\n]+/g, ' ').slice(0, 300) : 'none';
    lines.push(`X-Spam-Status: ${result.spam ? 'Yes' : 'No'}, score=${result.score.toFixed(1)} required=${junkScore.toFixed(1)} tests=${tests}`);
    lines.push(`X-Spam-Score: ${result.score.toFixed(1)}`);
    if (result.spam) lines.push('X-Spam-Flag: YES');
  }
  return `${lines.join('\r\n')}\r\n`;
}
