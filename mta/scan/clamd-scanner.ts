// ClamAV's clamd over TCP with INSTREAM: the message goes in length-prefixed chunks, the answer
// is "stream: OK" or "stream: <signature> FOUND".
import net from 'node:net';
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';

const CHUNK = 64 * 1024;

export class ClamdScanner implements Scanner {
  readonly name = 'clamd';

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, this.host);
      const chunks: Buffer[] = [];
      const abort = () => {
        socket.destroy();
        reject(new Error('clamd scan aborted'));
      };
      signal.addEventListener('abort', abort, { once: true });
      socket.on('connect', () => {
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
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (error) => {
        signal.removeEventListener('abort', abort);
        reject(new Error(`clamd at ${this.host}:${this.port}: ${error.message}`));
      });
      socket.on('end', () => {
        signal.removeEventListener('abort', abort);
        try {
          resolve(parseClamdReply(Buffer.concat(chunks).toString('utf8')));
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

export function parseClamdReply(reply: string): ScanVerdict {
  const line = reply.replace(/\0/g, '').trim();
  if (/: OK$/.test(line)) return { scanner: 'clamd', score: null, virus: null, detail: '' };
  const found = /: (.+) FOUND$/.exec(line);
  if (found) return { scanner: 'clamd', score: null, virus: found[1]!, detail: `VIRUS(${found[1]})` };
  throw new Error(`clamd: ${line || 'empty reply'}`);
}
