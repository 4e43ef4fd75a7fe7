// The subscribers' side: an SMTP server standing in for their mail provider. The notice worker
// sends to it; each copy is kept with the time it arrived, its Message-ID (fixed per notice and
// subscriber, so a copy sent twice is recognisable) and its decoded subject. With a directory,
// the watched subscriber's copies are also written there as .eml files, to be read by a person.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedNotice {
  to: string;
  messageId: string;
  subject: string;
  receivedAt: number;
}

export interface NoticeInbox {
  url: string;
  notices: ReceivedNotice[];
  stop: () => Promise<void>;
}

/**
 * @param onlyDomain when set, recipients of other domains are refused (550): the stand-in is then
 *   the MTA's smarthost, which the 2014 setup's bounces to forged senders reach too.
 */
export async function startNoticeInbox(port: number, keep?: { dir: string; address: string }, onlyDomain?: string): Promise<NoticeInbox> {
  if (keep) mkdirSync(keep.dir, { recursive: true });
  const notices: ReceivedNotice[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (onlyDomain && !address.address.toLowerCase().endsWith(`@${onlyDomain}`)) return callback(Object.assign(new Error('5.1.1 no such user here'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const receivedAt = Date.now();
        const raw = Buffer.concat(chunks);
        if (keep && session.envelope.rcptTo.some((r) => r.address.toLowerCase() === keep.address)) {
          writeFileSync(path.join(keep.dir, `${receivedAt}-${notices.length}.eml`), raw);
        }
        simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true }).then(
          (parsed) => {
            for (const rcpt of session.envelope.rcptTo) notices.push({ to: rcpt.address.toLowerCase(), messageId: parsed.messageId ?? '', subject: parsed.subject ?? '', receivedAt });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  // A worker killed mid-session resets its connection: expected during the chaos run.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `smtp://127.0.0.1:${port}`, notices, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
