// SpamAssassin's spamd over TCP (the SPAMC/1.5 protocol, as spamc speaks it): SYMBOLS returns the
// score, the threshold and the rules that fired.
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';
import { tcpExchange, writeStream } from './tcp-exchange.js';

export class SpamdScanner implements Scanner {
  readonly name = 'spamd';

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict> {
    const reply = await tcpExchange('spamd', this.host, this.port, signal, async (socket) => {
      const user = input.recipients[0] ?? 'nobody';
      socket.write(`SYMBOLS SPAMC/1.5\r\nContent-length: ${input.message.size}\r\nUser: ${user.replace(/[\r\n]/g, '')}\r\n\r\n`);
      await writeStream(socket, input.message.stream());
      socket.end();
    });
    return parseSpamdReply(reply.toString('latin1'));
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
