// Maildir delivery (tmp/ -> new/, atomic), idempotent across a crash: the file name is derived
// from the queue id and recipient, and link() refuses to overwrite, so a delivery repeated after
// a restart finds the first copy instead of making a second one.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export type MaildirFolder = 'INBOX' | 'Junk';

/** Coalesces directory fsyncs: callers that arrive while one runs share the next one. */
class DirectorySyncer {
  private readonly state = new Map<string, { running: Promise<void> | null; next: Promise<void> | null }>();

  sync(dir: string): Promise<void> {
    let entry = this.state.get(dir);
    if (!entry) {
      entry = { running: null, next: null };
      this.state.set(dir, entry);
    }
    const e = entry;
    if (!e.running) {
      e.running = fsyncDir(dir).finally(() => {
        e.running = null;
      });
      return e.running;
    }
    if (!e.next) {
      e.next = e.running.then(() => {
        e.next = null;
        e.running = fsyncDir(dir).finally(() => {
          e.running = null;
        });
        return e.running;
      });
    }
    return e.next;
  }
}

const fsyncFd = promisify(fs.fsync);
const openFile = promisify(fs.open);
const linkFile = promisify(fs.link);
const unlinkFile = promisify(fs.unlink);

async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFile(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    fs.closeSync(fd);
  }
}

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
  async deliver(domain: string, localPart: string, folder: MaildirFolder, name: string, content: Buffer, mayExist = true): Promise<'delivered' | 'duplicate'> {
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
    // Writing 2 KB into the page cache and closing are cheap enough to do right here.
    const fd = await openFile(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, content);
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
