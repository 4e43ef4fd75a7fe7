// fsync of directories, so that a new file's name is on stable storage too (a file fsynced into a
// directory that is not can vanish in a power cut). Callers that arrive while one fsync of a
// directory runs share the next one.
import fs from 'node:fs';
import { promisify } from 'node:util';

const fsyncFd = promisify(fs.fsync);
const openFile = promisify(fs.open);

async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFile(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class DirectorySyncer {
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
