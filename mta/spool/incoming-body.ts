// The text of a message being received, on its way to the spool. Small messages stay in memory
// and go into the spool database with their envelope (group commit, the fast path for the
// thousands of small messages a flood or a notice fan-out brings). Once a message outgrows
// MEMORY_LIMIT it is written to a file of its own as it arrives, so a message in flight costs at
// most that much memory however large it is: ten clients sending 24 MiB each no longer hold
// 240 MiB (several times over, with the copies made on the way) in the MTA.
//
// On the way, bare LF line ends become CRLF (so stored mail has one line-ending convention), NUL
// bytes and oversize messages are noticed (the caller refuses them at the end), and nothing more
// is kept of a message that will be refused anyway.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { normalizeLineEndings } from '../smtp/message-text.js';
import type { DirectorySyncer } from './directory-sync.js';

export const MEMORY_LIMIT = 256 * 1024;
/** Bytes waiting for the disk above which the sender is asked to pause (TCP backpressure). */
const HIGH_WATER = 1024 * 1024;

export type FinishedBody = { size: number; data: Buffer } | { size: number; file: string };

export class IncomingBody {
  private chunks: Buffer[] = [];
  private size = 0;
  private received = 0;
  private lastWasCr = false;
  private file: fsp.FileHandle | undefined;
  private opening: Promise<void> | undefined;
  private queue: Buffer[] = [];
  private queued = 0;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  private drainWaiters: Array<() => void> = [];
  private discarded = false;
  /** a NUL byte was seen */
  hasNul = false;

  constructor(
    private readonly filePath: string,
    prefix: Buffer,
    /** raw octets accepted; beyond them the text is no longer kept (the caller answers 552) */
    private readonly maxBytes: number,
    private readonly dirSync: DirectorySyncer,
  ) {
    this.append(prefix);
  }

  get tooBig(): boolean {
    return this.received > this.maxBytes;
  }

  /** Takes a chunk as received; false = pause until drained() resolves. */
  write(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.discarded || this.failure || this.tooBig || this.hasNul) return true;
    if (chunk.includes(0)) {
      this.hasNul = true;
      return true;
    }
    this.append(normalizeLineEndings(chunk, this.lastWasCr));
    this.lastWasCr = chunk[chunk.length - 1] === 13;
    return this.queued < HIGH_WATER;
  }

  drained(): Promise<void> {
    if (this.queued < HIGH_WATER || this.failure || this.discarded) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Everything written and, for a file, on stable storage (file and directory entry). */
  async finish(): Promise<FinishedBody> {
    if (!this.file && !this.opening) {
      const data = Buffer.concat(this.chunks, this.size);
      this.chunks = [];
      return { size: data.length, data };
    }
    await this.opening;
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
    const file = this.file!;
    await file.sync();
    await file.close();
    this.file = undefined;
    await this.dirSync.sync(path.dirname(this.filePath));
    return { size: this.size, file: this.filePath };
  }

  /** Nothing of it is kept: a refused message, a client gone mid-DATA, a failed write. */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.chunks = [];
    this.queue = [];
    this.wakeDrainWaiters();
    if (!this.file && !this.opening) return;
    void (async () => {
      await this.opening?.catch(() => {});
      while (this.writing) await this.writing.catch(() => {});
      await this.file?.close().catch(() => {});
      this.file = undefined;
      await fsp.unlink(this.filePath).catch(() => {});
    })();
  }

  private append(data: Buffer): void {
    if (data.length === 0) return;
    this.size += data.length;
    if (!this.file && !this.opening) {
      this.chunks.push(data);
      if (this.size <= MEMORY_LIMIT) return;
      // Outgrown memory: from here on the text goes to its own file.
      this.queue = this.chunks;
      this.queued = this.size;
      this.chunks = [];
      this.opening = fsp.open(this.filePath, 'wx', 0o600).then(
        (handle) => {
          this.file = handle;
          this.pump();
        },
        (error: Error) => this.fail(error),
      );
      return;
    }
    this.queue.push(data);
    this.queued += data.length;
    this.pump();
  }

  /** One write at a time; what arrives meanwhile goes in the next one. */
  private pump(): void {
    if (this.writing || !this.file || this.queue.length === 0 || this.discarded) return;
    const batch = this.queue;
    const bytes = this.queued;
    this.queue = [];
    this.writing = this.file
      .writev(batch)
      .then(
        () => {
          this.queued -= bytes;
        },
        (error: Error) => this.fail(error),
      )
      .finally(() => {
        this.writing = undefined;
        if (this.queued < HIGH_WATER) this.wakeDrainWaiters();
        this.pump();
      });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.queue = [];
    this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    for (const wake of this.drainWaiters.splice(0)) wake();
  }
}
