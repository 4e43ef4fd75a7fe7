// SpamAssassin's spamd over TCP (the SPAMC/1.5 protocol, as spamc speaks it): SYMBOLS returns the
// score, the threshold and the rules that fired.
import net from 'node:net';
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';

export class SpamdScanner implements Scanner {
  readonly name = 'spamd';

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
        reject(new Error('spamd scan aborted'));
      };
      signal.addEventListener('abort', abort, { once: true });
      socket.on('connect', () => {
        const user = input.recipients[0] ?? 'nobody';
        socket.write(`SYMBOLS SPAMC/1.5\r\nContent-length: ${input.message.length}\r\nUser: ${user.replace(/[\r\n]/g, '')}\r\n\r\n`);
        socket.end(input.message);
      });
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (error) => {
        signal.removeEventListener('abort', abort);
        reject(new Error(`spamd at ${this.host}:${this.port}: ${error.message}`));
      });
      socket.on('end', () => {
        signal.removeEventListener('abort', abort);
        try {
          resolve(parseSpamdReply(Buffer.concat(chunks).toString('latin1')));
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}

export function parseSpamdReply(reply: string): ScanVerdict {
  const [head = '', body = ''] = reply.split(/\r?\n\r?\n/, 2);
  const status = /^SPAMD\/\d\.\d+ (\d+) (\S+)/.exec(head);
  if (!status) throw new Error(`spamd: unexpected reply ${JSON.stringify(head.slice(0, 80))}`);
  if (status[1] !== '0') throw new Error(`spamd: ${status[1]} ${status[2]}`);
  const spam = /^Spam: (True|False|Yes|No) ; (-?[\d.]+) \/ (-?[\d.]+)/im.exec(head);
  if (!spam) throw new Error('spamd: reply has no Spam: header');
  return { scanner: 'spamd', score: Number(spam[2]), virus: null, detail: body.trim().split(/\s*,\s*/).filter(Boolean).join(',') };
}
