// A queued message's text, wherever it is kept: in memory (small messages, whose text lives in
// the spool database) or in a file of its own (large ones, see incoming-body.ts). Scanners and
// deliveries read it through this, as a stream or in part, so that a large message is never held
// in memory whole.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Readable } from 'node:stream';

export interface MessageBody {
  readonly size: number;
  /** At most the first `bytes` octets. */
  head(bytes: number): Promise<Buffer>;
  /** The text from `start` on. */
  stream(start?: number): Readable;
  /** The whole text in memory, if it is there already (small messages); undefined otherwise. */
  readonly inMemory: Buffer | undefined;
}

export function inMemoryBody(data: Buffer): MessageBody {
  return {
    size: data.length,
    inMemory: data,
    head: async (bytes) => data.subarray(0, bytes),
    stream: (start = 0) => Readable.from([data.subarray(start)], { objectMode: false }),
  };
}

/** Reads in pieces of this size: big enough for few system calls, small enough to stay bounded. */
export const READ_CHUNK = 256 * 1024;

export function fileBody(file: string, size: number): MessageBody {
  return {
    size,
    inMemory: undefined,
    async head(bytes) {
      const handle = await fsp.open(file, 'r');
      try {
        const buffer = Buffer.allocUnsafe(Math.min(bytes, size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    stream: (start = 0) => fs.createReadStream(file, { start, highWaterMark: READ_CHUNK }),
  };
}

/** The header block of a message: every line before the first empty one, and where the body starts. */
export async function headerBlock(body: MessageBody, limit = 1024 * 1024): Promise<{ headers: Buffer; bodyOffset: number } | undefined> {
  const head = body.inMemory ?? (await body.head(limit));
  let end = head.indexOf('\r\n\r\n');
  let separator = 4;
  const lf = head.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    separator = 2;
  }
  if (end < 0) return head.length === body.size ? { headers: head, bodyOffset: head.length } : undefined;
  return { headers: head.subarray(0, end), bodyOffset: end + separator };
}

/** A message as it is delivered: new text in front (headers), then the body from an offset on. */
export class DeliveryContent {
  constructor(
    readonly prefix: Buffer,
    private readonly body: MessageBody,
    private readonly from: number,
  ) {}

  get size(): number {
    return this.prefix.length + this.body.size - this.from;
  }

  /** The whole content as one buffer when the message is small (in memory anyway). */
  get inMemory(): Buffer | undefined {
    const data = this.body.inMemory;
    return data ? Buffer.concat([this.prefix, data.subarray(this.from)]) : undefined;
  }

  /** A fresh stream of the whole content (one per delivery attempt). */
  stream(extraPrefix?: Buffer): Readable {
    const body = this.body;
    const from = this.from;
    const front = extraPrefix ? Buffer.concat([extraPrefix, this.prefix]) : this.prefix;
    return Readable.from(
      (async function* () {
        yield front;
        yield* body.stream(from);
      })(),
      { objectMode: false },
    );
  }

  /** Writes the content, after `extraPrefix`, to an open file. */
  async writeTo(fd: number, extraPrefix: Buffer): Promise<void> {
    const small = this.body.inMemory;
    if (small) {
      // A few kilobytes into the page cache: cheaper right here than a trip to the thread pool.
      fs.writeSync(fd, Buffer.concat([extraPrefix, this.prefix, small.subarray(this.from)]));
      return;
    }
    let position = 0;
    const write = async (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length; ) {
        const written = await new Promise<number>((resolve, reject) => fs.write(fd, chunk, offset, chunk.length - offset, position, (error, n) => (error ? reject(error) : resolve(n))));
        offset += written;
        position += written;
      }
    };
    await write(Buffer.concat([extraPrefix, this.prefix]));
    for await (const chunk of this.body.stream(this.from)) await write(chunk as Buffer);
  }
}
