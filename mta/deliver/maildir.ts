// Maildir delivery (tmp/ -> new/, atomic), idempotent across a crash: the file name is derived
// from the queue id and recipient, and link() refuses to overwrite, so a delivery repeated after
// a restart finds the first copy instead of making a second one.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DirectorySyncer } from '../spool/directory-sync.js';
import type { DeliveryContent } from '../spool/message-body.js';

export type MaildirFolder = 'INBOX' | 'Junk';

const fsyncFd = promisify(fs.fsync);
const openFile = promisify(fs.open);
const linkFile = promisify(fs.link);
const unlinkFile = promisify(fs.unlink);

export class MaildirStore {
  private readonly prepared = new Set<string>();
  private readonly dirSync = new DirectorySyncer();

  constructor(
    private readonly mailRoot: string,
    private readonly hostname: string,
  ) {}

  mailboxPath(domain: string, localPart: string, folder: MaildirFolder = 'INBOX'): string {
    const base = path.join(this.mailRoot, domain, localPart);
    return folder === 'INBOX' ? base : path.join(base, `.${folder}`);
  }

  /** Deterministic Maildir name for one recipient of one queued message. */
  fileName(queueId: string, recipientIdx: number, receivedAt: number): string {
    return `${Math.floor(receivedAt / 1000)}.${queueId}_${recipientIdx}.${this.hostname.replace(/[/:]/g, '_')}`;
  }

  private async prepare(dir: string): Promise<void> {
    if (this.prepared.has(dir)) return;
    for (const sub of ['tmp', 'new', 'cur']) await fsp.mkdir(path.join(dir, sub), { recursive: true, mode: 0o700 });
    this.prepared.add(dir);
  }

  private alreadyDelivered(dir: string, name: string): boolean {
    // A mail client moves read mail to cur/ with ":2,<flags>" appended.
    return (
      fs.existsSync(path.join(dir, 'new', name)) ||
      fs.existsSync(path.join(dir, 'cur', `${name}:2,`)) ||
      fs.existsSync(path.join(dir, 'cur', `${name}:2,S`))
    );
  }

  /**
   * @param mayExist the message may have been delivered before a crash (it was recovered from
   *   the spool); only then is it worth looking for an earlier copy a mail client moved to cur/.
   */
  /**
   * @param content the message, or (from the queue) its delivery content, written after `envelope`
   *   (Return-Path:, Delivered-To:)
   */
  async deliver(domain: string, localPart: string, folder: MaildirFolder, name: string, content: Buffer | DeliveryContent, mayExist = true, envelope: Buffer = Buffer.alloc(0)): Promise<'delivered' | 'duplicate'> {
    const dir = this.mailboxPath(domain, localPart, folder);
    await this.prepare(dir);
    const tmp = path.join(dir, 'tmp', name);
    if (mayExist && this.alreadyDelivered(dir, name)) {
      // A crash between link() and unlink() leaves the tmp copy behind.
      await fsp.unlink(tmp).catch(() => {});
      return 'duplicate';
    }
    // Creating, linking and removing names lock the directory, which the fsyncs of other
    // deliveries hold too: those calls go to the thread pool so the event loop never waits.
    // Writing 2 KB into the page cache and closing are cheap enough to do right here; a large
    // message is copied from the spool in pieces (DeliveryContent.writeTo).
    const fd = await openFile(tmp, 'w', 0o600);
    try {
      if (Buffer.isBuffer(content)) fs.writeSync(fd, envelope.length ? Buffer.concat([envelope, content]) : content);
      else await content.writeTo(fd, envelope);
      await fsyncFd(fd);
    } finally {
      fs.closeSync(fd);
    }
    let outcome: 'delivered' | 'duplicate' = 'delivered';
    try {
      await linkFile(tmp, path.join(dir, 'new', name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      outcome = 'duplicate';
    }
    await unlinkFile(tmp).catch(() => {});
    await this.dirSync.sync(path.join(dir, 'new'));
    return outcome;
  }
}
