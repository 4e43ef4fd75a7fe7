// An SMTP server run by a test: accepts everything (or answers with the codes a test asks for)
// and keeps each received message parsed by mailparser, with its raw source.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './site';

export interface ReceivedMail {
  /** The envelope sender (MAIL FROM), "" for a null sender. */
  from: string;
  to: string;
  raw: string;
  parsed: ParsedMail;
  header: (name: string) => string;
}

export interface MailSink {
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Answer RCPT TO for this address with a code ("450 4.2.0 busy", "550 5.1.1 no such user"). */
  reject: (address: string, reply: string | null) => void;
  waitFor: (match: (m: ReceivedMail) => boolean, what: string, timeoutMs?: number) => Promise<ReceivedMail>;
  stop: () => Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const messages: ReceivedMail[] = [];
  const rejections = new Map<string, string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const reply = rejections.get(address.address.toLowerCase());
      if (!reply) return callback();
      const code = Number(reply.slice(0, 3));
      callback(Object.assign(new Error(reply.slice(4)), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        for (const rcpt of session.envelope.rcptTo) {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: rcpt.address.toLowerCase(),
            raw,
            parsed,
            header: (name) => {
              const v = parsed.headers.get(name.toLowerCase());
              return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
            },
          });
        }
        callback();
      });
    },
  });
  // A client killed mid-session (the crash test does that) resets its connection: not an error here.
  server.on('error', () => {});
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    reject: (address, reply) => (reply ? rejections.set(address.toLowerCase(), reply) : rejections.delete(address.toLowerCase())),
    async waitFor(match, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${messages.map((m) => `${m.to} ${m.parsed.subject}`).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
