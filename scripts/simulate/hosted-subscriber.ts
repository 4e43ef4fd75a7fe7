// The subscriber whose mailbox is on the flooded MTA itself: the notices about the delay reach them
// through the same MTA as the delayed mail. Their copies are read from the Maildir as a mail client
// would (INBOX and Junk), with the time each file was written and when the MTA accepted it (its
// own Received: header, to the second).
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';

export interface HostedNotice {
  subject: string;
  folder: 'INBOX' | 'Junk';
  /** When the MTA wrote it into the mailbox (ms). */
  deliveredAt: number;
  /** When the MTA accepted it from the notice worker (ms, whole seconds: the Received: header's date). */
  acceptedAt: number | null;
  /** The header the MTA puts on mail that came through the priority lane. */
  lane: string | null;
}

/** Every message in `address`'s Maildir (mail root as the MTA's MTA_DATA_DIR/mail), oldest first. */
export async function readHostedMailbox(mailRoot: string, address: string): Promise<HostedNotice[]> {
  const [local, domain] = address.split('@') as [string, string];
  const box = path.join(mailRoot, domain, local);
  const found: HostedNotice[] = [];
  for (const [folder, base] of [['INBOX', box], ['Junk', path.join(box, '.Junk')]] as const) {
    for (const sub of ['new', 'cur']) {
      const dir = path.join(base, sub);
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(dir, name);
        const raw = fs.readFileSync(file);
        const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
        const received = parsed.headers.get('received');
        const firstReceived = Array.isArray(received) ? received[0] : received;
        const receivedDate = typeof firstReceived === 'string' ? Date.parse(firstReceived.slice(firstReceived.lastIndexOf(';') + 1).trim()) : NaN;
        const lane = parsed.headers.get('x-tayori-lane');
        found.push({
          subject: parsed.subject ?? '',
          folder,
          deliveredAt: fs.statSync(file).mtimeMs,
          acceptedAt: Number.isFinite(receivedDate) ? receivedDate : null,
          lane: typeof lane === 'string' ? lane : null,
        });
      }
    }
  }
  return found.sort((a, b) => a.deliveredAt - b.deliveredAt);
}
