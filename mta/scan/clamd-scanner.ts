// ClamAV's clamd over TCP with INSTREAM: the message goes in length-prefixed chunks, the answer
// is "stream: OK" or "stream: <signature> FOUND".
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';
import { tcpExchange } from './tcp-exchange.js';

const CHUNK = 64 * 1024;

export class ClamdScanner implements Scanner {
  readonly name = 'clamd';

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict> {
    const reply = await tcpExchange('clamd', this.host, this.port, signal, (socket) => {
      socket.write('zINSTREAM\0');
      for (let offset = 0; offset < input.message.length; offset += CHUNK) {
        const part = input.message.subarray(offset, offset + CHUNK);
        const size = Buffer.alloc(4);
        size.writeUInt32BE(part.length);
        socket.write(size);
        socket.write(part);
      }
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
