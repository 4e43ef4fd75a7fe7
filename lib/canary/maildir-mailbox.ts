import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CANARY_HEADER, type CanaryArrival, type CanaryMailbox, type MessageMailbox } from './mailbox';

// The canary's mailbox at the bundled MTA: its Maildir under the data directory the worker shares
// with the MTA (mta/deliver/maildir.ts writes it). A message is in the mailbox once it is in new/
// (or cur/, where a mail client moves it); the file's mtime is when it got there.

const HEAD_BYTES = 16 * 1024;

export function maildirPath(mailRoot: string, address: string): string {
  const [localPart, domain] = address.toLowerCase().split('@');
  return path.join(mailRoot, domain, localPart);
}

/** INBOX and the Maildir++ Junk folder the MTA files spam in. */
function maildirFolders(dir: string): { dir: string; junk: boolean }[] {
  return [
    { dir, junk: false },
    { dir: path.join(dir, '.Junk'), junk: true },
  ];
}

/** Every message of a Maildir (new/ and cur/, INBOX and Junk), each deleted once handled. */
export function createMaildirMessageMailbox(dir: string): MessageMailbox {
  return {
    async drain(handle) {
      let handled = 0;
      for (const folder of maildirFolders(dir)) {
        for (const sub of ['new', 'cur']) {
          const subdir = path.join(folder.dir, sub);
          for (const name of (await listOrEmpty(subdir)).sort()) {
            const file = path.join(subdir, name);
            const read = await Promise.all([readFile(file), stat(file)]).catch((error: NodeJS.ErrnoException) => {
              // Moved or removed meanwhile (a mail client, another reader): not ours to handle now.
              if (error.code === 'ENOENT') return null;
              throw error;
            });
            if (!read) continue;
            const [raw, { mtime }] = read;
            await handle({ raw, arrivedAt: mtime, junk: folder.junk });
            await unlink(file);
            handled++;
          }
        }
      }
      return handled;
    },
    async close() {},
  };
}

export function createMaildirMailbox(dir: string): CanaryMailbox {
  const folders = maildirFolders(dir);
  return {
    async collect() {
      const found: CanaryArrival[] = [];
      for (const folder of folders) {
        for (const sub of ['new', 'cur']) {
          const subdir = path.join(folder.dir, sub);
          for (const name of await listOrEmpty(subdir)) {
            const file = path.join(subdir, name);
            const token = await canaryToken(file);
            if (token === null) continue;
            const { mtime } = await stat(file);
            await unlink(file);
            found.push({ token, arrivedAt: mtime, junk: folder.junk });
          }
        }
      }
      return found;
    },
    async close() {},
  };
}

/** A folder not made yet (nothing delivered to it) is empty; any other error is the caller's. */
async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The X-Tayori-Canary header's value, read from the message's header section; null when it has none. */
async function canaryToken(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return headerValue(buffer.subarray(0, bytesRead).toString('latin1'), CANARY_HEADER);
  } finally {
    await handle.close();
  }
}

export function headerValue(message: string, name: string): string | null {
  const end = message.search(/\r?\n\r?\n/);
  const head = (end === -1 ? message : message.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const wanted = name.toLowerCase();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) return line.slice(colon + 1).trim() || null;
  }
  return null;
}
