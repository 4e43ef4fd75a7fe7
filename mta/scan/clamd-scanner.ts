// ClamAV's clamd over TCP with INSTREAM: the message goes in length-prefixed chunks, the answer
// is "stream: OK" or "stream: <signature> FOUND".
import { Transform } from 'node:stream';
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';
import { tcpExchange, writeStream } from './tcp-exchange.js';

/** INSTREAM framing: each piece of the message preceded by its length (4 octets, big-endian). */
function instreamChunks(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const size = Buffer.alloc(4);
      size.writeUInt32BE(chunk.length);
      callback(null, Buffer.concat([size, chunk]));
    },
  });
}

export class ClamdScanner implements Scanner {
  readonly name = 'clamd';

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict> {
    const reply = await tcpExchange('clamd', this.host, this.port, signal, async (socket) => {
      socket.write('zINSTREAM\0');
      await writeStream(socket, input.message.stream().pipe(instreamChunks()));
      socket.end(Buffer.alloc(4));
    });
    return parseClamdReply(reply.toString('utf8'));
  }
}

export function parseClamdReply(reply: string): ScanVerdict {
  const line = reply.replace(/\0/g, '').trim();
  if (/: OK$/.test(line)) return { scanner: 'clamd', score: null, virus: null, detail: '' };
  const found = /: (.+) FOUND$/.exec(line);
  if (found) return { scanner: 'clamd', score: null, virus: found[1]!, detail: `VIRUS(${found[1]})` };
  throw new Error(`clamd: ${line || 'empty reply'}`);
}
