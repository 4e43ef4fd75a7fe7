import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { SmtpSender } from './sender';

// The fan-out's SMTP client against a real SMTP server in this process.
const received: { to: string; raw: string }[] = [];
let server: SMTPServer;
let url: string;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _s, cb) {
      if (address.address.startsWith('gone@')) return cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo[0]!.address, raw });
        cb();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const message = (to: string) => `From: status@tayori.test\r\nTo: ${to}\r\nSubject: test\r\nMessage-ID: <${to}>\r\n\r\nbody\r\n`;

describe('SmtpSender', () => {
  it('sends many messages over a few reused sessions', async () => {
    const sender = new SmtpSender(url, 3);
    await Promise.all(Array.from({ length: 12 }, (_, i) => sender.send({ from: 'status@tayori.test', to: [`u${i}@example.test`] }, message(`u${i}@example.test`))));
    sender.close();
    expect(received.filter((m) => m.to.startsWith('u')).map((m) => m.to).sort()).toHaveLength(12);
  });

  it('runs the hand-over hook after the envelope is accepted, and the server keeps nothing when it fails', async () => {
    const sender = new SmtpSender(url, 1);
    const calls: string[] = [];
    await sender.send({ from: 'status@tayori.test', to: ['kept@example.test'] }, message('kept@example.test'), async () => void calls.push('kept'));
    await expect(
      sender.send({ from: 'status@tayori.test', to: ['dropped@example.test'] }, message('dropped@example.test'), async () => {
        calls.push('dropped');
        throw new Error('lease lost');
      }),
    ).rejects.toThrow(/lease lost/);
    const rejected = await sender.send({ from: 'status@tayori.test', to: ['gone@example.test'] }, message('gone@example.test'), async () => void calls.push('gone')).catch((e) => e);
    expect(rejected.responseCode).toBe(550);
    // The session survives a refused recipient and a dropped message: the next one goes through.
    await sender.send({ from: 'status@tayori.test', to: ['after@example.test'] }, message('after@example.test'));
    sender.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual(['kept', 'dropped']);
    expect(received.map((m) => m.to)).toContain('kept@example.test');
    expect(received.map((m) => m.to)).toContain('after@example.test');
    expect(received.map((m) => m.to)).not.toContain('dropped@example.test');
  });

  it('fails every waiting send, not only the first, when the server cannot be reached', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.server.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sender = new SmtpSender(`smtp://127.0.0.1:${port}`, 1);
    const results = await Promise.allSettled([1, 2, 3].map((i) => sender.send({ from: 'status@tayori.test', to: [`w${i}@example.test`] }, message(`w${i}@example.test`))));
    sender.close();
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  it('signs with DKIM when a key is configured', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const sender = new SmtpSender(url, 1, { domainName: 'tayori.test', keySelector: 'notices', privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
    await sender.send({ from: 'status@tayori.test', to: ['signed@example.test'] }, message('signed@example.test'));
    sender.close();
    const mail = received.find((m) => m.to === 'signed@example.test')!;
    expect(mail.raw).toMatch(/^DKIM-Signature: .*d=tayori\.test;/m);
    expect(mail.raw).toMatch(/s=notices;/);
  });
});
