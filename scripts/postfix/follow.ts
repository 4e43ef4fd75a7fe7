// Reads a log file once, or follows it like `tail -F`: by polling, so it works on every file
// system, through logrotate's "create" (rename + new file: the inode changes) and "copytruncate"
// (the file shrinks) schemes. A last line without its newline is held back until the newline
// arrives. Every complete line is handed out exactly once.
import { open, stat, type FileHandle } from 'node:fs/promises';

/** Longer lines are cut here (and then fail to parse): memory stays bounded whatever is written. */
export const MAX_LINE_BYTES = 64 * 1024;
const CHUNK_BYTES = 256 * 1024;

/** Splits bytes into lines, holding back an unfinished last line. */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private overlong = false;

  constructor(private readonly onLine: (line: string) => void) {}

  get holding(): boolean {
    return this.heldBytes > 0 || this.overlong;
  }

  push(chunk: Buffer): void {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl < 0) break;
      this.hold(chunk.subarray(from, nl));
      this.emit();
      from = nl + 1;
    }
    if (from < chunk.length) this.hold(chunk.subarray(from));
  }

  /** Hands out what is held as a line of its own (end of file, rotation, truncation). */
  flush(): void {
    if (this.holding) this.emit();
  }

  private hold(bytes: Buffer): void {
    if (this.overlong || bytes.length === 0) return;
    const room = MAX_LINE_BYTES + 1 - this.heldBytes;
    if (bytes.length >= room) {
      this.held.push(Buffer.from(bytes.subarray(0, room)));
      this.heldBytes += room;
      this.overlong = true;
      return;
    }
    // Copy: the chunk buffer is reused by the reader.
    this.held.push(Buffer.from(bytes));
    this.heldBytes += bytes.length;
  }

  private emit(): void {
    const line = Buffer.concat(this.held, this.heldBytes).toString('utf8');
    this.held = [];
    this.heldBytes = 0;
    this.overlong = false;
    this.onLine(line);
  }
}

/** Reads a whole file once; the last line counts even without its newline. */
export async function readLinesOnce(path: string, onLine: (line: string) => void | Promise<void>): Promise<void> {
  const file = await open(path, 'r');
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      splitter.push(buffer.subarray(0, bytesRead));
      for (const line of lines.splice(0)) await onLine(line);
    }
    splitter.flush();
    for (const line of lines.splice(0)) await onLine(line);
  } finally {
    await file.close();
  }
}

export interface FollowOptions {
  /** How often to look for new data, rotation and truncation. */
  pollMs?: number;
  /** Start at the current end of the file instead of its beginning. */
  fromEnd?: boolean;
  onLine: (line: string) => void;
  /** Rotation, truncation, a missing file: for the operator's log. */
  onNotice?: (message: string) => void;
}

export class FileFollower {
  private file: FileHandle | null = null;
  private identity: { dev: number; ino: number } | null = null;
  private position = 0;
  private readonly splitter: LineSplitter;
  private readonly buffer = Buffer.alloc(CHUNK_BYTES);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private polling: Promise<void> | null = null;
  private firstOpen = true;
  private missingReported = false;
  readonly stats = { rotations: 0, truncations: 0, bytes: 0 };

  constructor(
    private readonly path: string,
    private readonly options: FollowOptions,
  ) {
    this.splitter = new LineSplitter(options.onLine);
  }

  /** Bytes of the current file consumed so far (a held-back partial line included). */
  get offset(): number {
    return this.position;
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.polling = this.poll().catch((error: Error) => this.options.onNotice?.(`reading ${this.path}: ${error.message}`));
      await this.polling;
      this.polling = null;
      if (!this.stopped) this.timer = setTimeout(loop, this.options.pollMs ?? 250);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await this.file?.close().catch(() => {});
    this.file = null;
  }

  /** One look at the file: new data, then whether it was replaced or truncated. */
  async poll(): Promise<void> {
    if (!this.file && !(await this.openCurrent())) return;
    await this.drain();

    let onDisk;
    try {
      onDisk = await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      onDisk = null; // renamed away and not recreated yet: keep reading the old one
    }
    if (onDisk && (onDisk.ino !== this.identity!.ino || onDisk.dev !== this.identity!.dev)) {
      // Rotated: finish the old file (the writer may have added to it after the rename), then start the new one from its beginning.
      await this.drain();
      this.splitter.flush();
      await this.file!.close();
      this.file = null;
      this.stats.rotations++;
      this.options.onNotice?.(`${this.path} was replaced (rotation); reading the new file from its start`);
      if (await this.openCurrent()) await this.drain();
      return;
    }
    const size = (await this.file!.stat()).size;
    if (size < this.position) {
      this.splitter.flush();
      this.position = 0;
      this.stats.truncations++;
      this.options.onNotice?.(`${this.path} was truncated; reading it again from its start`);
      await this.drain();
    }
  }

  private async openCurrent(): Promise<boolean> {
    try {
      this.file = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (!this.missingReported) this.options.onNotice?.(`${this.path} does not exist (yet); waiting for it`);
      this.missingReported = true;
      return false;
    }
    this.missingReported = false;
    const st = await this.file.stat();
    this.identity = { dev: st.dev, ino: st.ino };
    this.position = this.firstOpen && this.options.fromEnd ? st.size : 0;
    this.firstOpen = false;
    return true;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const { bytesRead } = await this.file!.read(this.buffer, 0, this.buffer.length, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      this.stats.bytes += bytesRead;
      this.splitter.push(this.buffer.subarray(0, bytesRead));
    }
  }
}
