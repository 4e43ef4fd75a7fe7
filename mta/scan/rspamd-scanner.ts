// rspamd's HTTP protocol (POST /checkv2): the envelope goes in headers, the answer is JSON with
// the score and the symbols that fired. A large message is streamed from the spool.
import { Readable } from 'node:stream';
import type { ScanInput, ScanVerdict, Scanner } from './scanner.js';

interface RspamdReply {
  score?: number;
  required_score?: number;
  action?: string;
  symbols?: Record<string, { score?: number }>;
}

export class RspamdScanner implements Scanner {
  readonly name = 'rspamd';

  constructor(private readonly baseUrl: string) {}

  async scan(input: ScanInput, signal: AbortSignal): Promise<ScanVerdict> {
    const headers = new Headers({ 'Queue-Id': input.queueId, IP: input.clientIp, Helo: input.helo || 'unknown', From: input.mailFrom });
    for (const rcpt of input.recipients) headers.append('Rcpt', rcpt);
    const small = input.message.inMemory;
    const body = small ? new Uint8Array(small) : (Readable.toWeb(input.message.stream()) as ReadableStream<Uint8Array>);
    headers.set('Content-Length', String(input.message.size));
    const response = await fetch(`${this.baseUrl}/checkv2`, { method: 'POST', headers, body, signal, ...(small ? {} : { duplex: 'half' }) } as RequestInit);
    if (!response.ok) throw new Error(`rspamd answered ${response.status}`);
    return parseRspamdReply((await response.json()) as RspamdReply);
  }
}

export function parseRspamdReply(reply: RspamdReply): ScanVerdict {
  if (typeof reply.score !== 'number') throw new Error('rspamd: reply has no score');
  const symbols = Object.entries(reply.symbols ?? {})
    .filter(([, s]) => (s.score ?? 0) !== 0)
    .map(([name]) => name)
    .sort();
  return { scanner: 'rspamd', score: Math.round(reply.score * 100) / 100, virus: null, detail: symbols.join(',') };
}
