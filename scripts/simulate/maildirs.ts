// What reached the mailboxes: every file the MTA delivered into a Maildir (INBOX or Junk),
// recognised by the simulator's X-Sim-Id header, with the time it was written.
import fs from 'node:fs';
import path from 'node:path';

export interface Delivery {
  id: string;
  kind: string;
  folder: 'INBOX' | 'Junk';
  mailbox: string;
  deliveredAt: number;
  /** Delivered without a spam check (X-Spam-Check: skipped): the breaker, a bypass or the priority lane. */
  unscanned: boolean;
}

export class MaildirWatcher {
  private readonly seen = new Set<string>();
  /** Every delivery of a simulated message, in the order found; an id twice is a duplicate. */
  readonly deliveries: Delivery[] = [];
  readonly byId = new Map<string, Delivery[]>();

  constructor(private readonly mailRoot: string) {}

  /** Reads files that appeared since the last scan. */
  scan(): void {
    if (!fs.existsSync(this.mailRoot)) return;
    for (const domain of fs.readdirSync(this.mailRoot)) {
      const domainDir = path.join(this.mailRoot, domain);
      for (const local of safeList(domainDir)) {
        const box = path.join(domainDir, local);
        for (const [folder, base] of [['INBOX', box], ['Junk', path.join(box, '.Junk')]] as const) {
          for (const sub of ['new', 'cur']) this.scanDir(path.join(base, sub), folder, `${local}@${domain}`);
        }
      }
    }
  }

  private scanDir(dir: string, folder: 'INBOX' | 'Junk', mailbox: string) {
    for (const name of safeList(dir)) {
      // Maildir names are unique per delivery; a file moved new → cur keeps its base name.
      const key = `${mailbox}/${folder}/${name.split(':')[0]}`;
      if (this.seen.has(key)) continue;
      const file = path.join(dir, name);
      let head: string;
      let mtime: number;
      try {
        const fd = fs.openSync(file, 'r');
        const buffer = Buffer.alloc(16384);
        const bytes = fs.readSync(fd, buffer, 0, buffer.length, 0);
        mtime = fs.fstatSync(fd).mtimeMs;
        fs.closeSync(fd);
        head = buffer.subarray(0, bytes).toString('latin1');
      } catch {
        continue;
      }
      this.seen.add(key);
      const id = /^X-Sim-Id: (.+)$/im.exec(head)?.[1]?.trim();
      if (!id) continue;
      const delivery: Delivery = { id, kind: /^X-Sim-Kind: (.+)$/im.exec(head)?.[1]?.trim() ?? '?', folder, mailbox, deliveredAt: mtime, unscanned: /^X-Spam-Check: skipped/im.test(head) };
      this.deliveries.push(delivery);
      this.byId.set(id, [...(this.byId.get(id) ?? []), delivery]);
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
