import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { dotStuff, SmtpSession } from './session';

// The fan-out's SMTP session against real SMTP servers in this process: smtp-server (the library
// the bundled MTA is built on) for the protocol's options, and a strict scripted server that shows
// how the commands travel (together with PIPELINING, one at a time without).

type Received = { from: string; to: string[]; raw: string; secure: boolean; user?: string };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function smtpServer(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    ...options,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, secure: session.secure, user: session.user as string | undefined });
        cb();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as net.AddressInfo).port, received };
}

const message = (id: string, body = 'body') => `From: status@tayori.test\r\nTo: ${id}@example.test\r\nSubject: test\r\nMessage-ID: <${id}@tayori.test>\r\n\r\n${body}\r\n`;
const open = (port: number, extra: Partial<Parameters<typeof SmtpSession.open>[0]> = {}) => SmtpSession.open({ host: '127.0.0.1', port, secure: false, name: 'worker.tayori.test', ...extra });

describe('SmtpSession', () => {
  it('sends message after message over one session, and the text arrives unchanged', async () => {
    const { port, received } = await smtpServer({ disabledCommands: ['STARTTLS'] });
    const session = await open(port);
    // Lines that start with "." are the ones dot-stuffing exists for; a bare "." would end DATA.
    const body = '.hidden line\r\n..two dots\r\n.\r\nlast';
    for (let i = 0; i < 5; i++) await session.send({ from: 'status@tayori.test', to: [`u${i}@example.test`] }, message(`u${i}`, body));
    session.quit();
    expect(received.map((m) => m.to[0])).toEqual(['u0', 'u1', 'u2', 'u3', 'u4'].map((u) => `${u}@example.test`));
    expect(received[0]!.raw).toBe(message('u0', body));
    expect(received[0]!.from).toBe('status@tayori.test');
  });

  it('upgrades with STARTTLS when offered, then logs in with AUTH PLAIN or AUTH LOGIN', async () => {
    for (const method of ['PLAIN', 'LOGIN']) {
      const { port, received } = await smtpServer({
        authMethods: [method],
        onAuth(auth, _session, cb) {
          if (auth.username === 'notices' && auth.password === 'pa ss:wörd') return cb(null, { user: auth.username });
          cb(new Error('Invalid username or password'));
        },
      });
      // smtp-server's built-in certificate, which nobody can verify: the check is off, as tls_verify=false turns it off.
      const session = await open(port, { auth: { user: 'notices', pass: 'pa ss:wörd' }, tls: { rejectUnauthorized: false } });
      await session.send({ from: 'status@tayori.test', to: ['tls@example.test'] }, message('tls'));
      session.quit();
      expect(received[0]).toMatchObject({ secure: true, user: 'notices', to: ['tls@example.test'] });
    }
  });

  it('reports a refused login with the server reply, never the password', async () => {
    const { port } = await smtpServer({ authMethods: ['PLAIN'], onAuth: (_a, _s, cb) => cb(new Error('Invalid username or password')) });
    const error = await open(port, { auth: { user: 'notices', pass: 'secret-password' }, tls: { rejectUnauthorized: false } }).catch((e) => e);
    // The reply is in the message; without a responseCode the worker retries the copy later
    // instead of counting a hard bounce against its subscriber.
    expect(error).toMatchObject({ code: 'EAUTH', message: expect.stringContaining('535') });
    expect(error.responseCode).toBeUndefined();
    expect(String(error.message)).not.toContain('secret-password');
  });

  it("verifies the server's certificate unless told not to, and never logs in without it", async () => {
    const logins: string[] = [];
    const { port } = await smtpServer({ authMethods: ['PLAIN'], onAuth: (auth, _s, cb) => (logins.push(auth.username ?? ''), cb(null, { user: auth.username })) });
    const error = await open(port, { auth: { user: 'notices', pass: 'secret-password' } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'ETLS', message: expect.stringMatching(/certificate/) });
    expect(logins).toEqual([]);
  });

  it('logs in with an optional credential only when the server offers AUTH; requireTls refuses to go on in the clear', async () => {
    const offered = await smtpServer({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authMethods: ['PLAIN'], onAuth: (auth, _s, cb) => cb(null, { user: auth.username }) });
    const withAuth = await open(offered.port, { startTls: false, optionalAuth: () => ({ user: 'tayori-submission', pass: 'p' }) });
    await withAuth.send({ from: 'status@tayori.test', to: ['a@example.test'] }, message('a'));
    withAuth.quit();
    expect(offered.received[0]!.user).toBe('tayori-submission');

    const notOffered = await smtpServer({ disabledCommands: ['STARTTLS', 'AUTH'] });
    const plain = await open(notOffered.port, { optionalAuth: () => ({ user: 'tayori-submission', pass: 'p' }) });
    await plain.send({ from: 'status@tayori.test', to: ['b@example.test'] }, message('b'));
    plain.quit();
    expect(notOffered.received[0]!.user).toBeUndefined();

    const error = await open(notOffered.port, { requireTls: true, auth: { user: 'notices', pass: 'p' } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'ETLS' });
  });

  it('returns a refused recipient as an SMTP reply and keeps the session usable after RSET', async () => {
    const { port, received } = await smtpServer({
      disabledCommands: ['STARTTLS'],
      onRcptTo: (address, _s, cb) => (address.address.startsWith('gone@') ? cb(Object.assign(new Error('no such user'), { responseCode: 550 })) : cb()),
    });
    const session = await open(port);
    const hook = { ran: false };
    const error = await session.send({ from: 'status@tayori.test', to: ['gone@example.test'] }, message('gone'), async () => void (hook.ran = true)).catch((e) => e);
    expect(error).toMatchObject({ responseCode: 550 });
    expect(hook.ran).toBe(false); // nothing to hand over: the envelope was refused
    await session.reset();
    await session.send({ from: 'status@tayori.test', to: ['next@example.test'] }, message('next'));
    session.quit();
    expect(received.map((m) => m.to[0])).toEqual(['next@example.test']);
  });

  it('hangs up without the final dot when the hand-over hook fails, so the server keeps nothing', async () => {
    const { port, received } = await smtpServer({ disabledCommands: ['STARTTLS'] });
    const session = await open(port);
    await expect(
      session.send({ from: 'status@tayori.test', to: ['dropped@example.test'] }, message('dropped'), async () => {
        throw new Error('lease lost');
      }),
    ).rejects.toThrow('lease lost');
    expect(session.alive).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(0);
  });

  it('uses SMTPUTF8 for a non-ASCII address, and refuses one when the server lacks it', async () => {
    const utf8 = await smtpServer({ disabledCommands: ['STARTTLS'] });
    const session = await open(utf8.port);
    await session.send({ from: 'status@tayori.test', to: ['たより@example.test'] }, message('utf8'));
    session.quit();
    expect(utf8.received[0]!.to).toEqual(['たより@example.test']);

    const ascii = await smtpServer({ disabledCommands: ['STARTTLS'], hideSMTPUTF8: true });
    const plain = await open(ascii.port);
    await expect(plain.send({ from: 'status@tayori.test', to: ['たより@example.test'] }, message('utf8'))).rejects.toMatchObject({ responseCode: 553 });
    plain.quit();
  });

  it('writes MAIL, RCPT and DATA together to a server that offers PIPELINING, and the message with its dot together', async () => {
    expect(await twoMessagesThrough({ pipelining: true })).toEqual(['EHLO', 'MAIL RCPT DATA', 'message', 'MAIL RCPT DATA', 'message']);
  });

  it('sends one command at a time to a server without PIPELINING, and reads multi-line replies', async () => {
    expect(await twoMessagesThrough({ pipelining: false })).toEqual(['EHLO', 'MAIL', 'RCPT', 'DATA', 'message', 'MAIL', 'RCPT', 'DATA', 'message']);
  });

  it('says the message was not sent when the connection drops while the hand-over hook runs', async () => {
    const { port, log } = await scriptedServer({ pipelining: true, hangUpAfter354: true });
    const session = await open(port);
    const error = await session.send({ from: 'status@tayori.test', to: ['a@example.test'] }, message('a'), () => new Promise((r) => setTimeout(r, 200))).catch((e) => e);
    // Not a lost reply to the dot (which the worker must count as delivered): the dot never left.
    expect(error).toMatchObject({ code: 'ENOTSENT' });
    expect(log).not.toContain('message');
  });

  it('gives up on a server that agrees to STARTTLS and then says nothing', async () => {
    const { port } = await scriptedServer({ pipelining: true, silentAfterStarttls: true });
    const error = await open(port, { connectionTimeoutMs: 300, socketTimeoutMs: 300 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('gives up on a server that stops answering', async () => {
    // It reads (and ignores) what it is sent, so it sees the client hang up.
    const silent = net.createServer((socket) => socket.resume().write('220 hello\r\n'));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const error = await open((silent.address() as net.AddressInfo).port, { socketTimeoutMs: 200 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });
});

describe('dotStuff', () => {
  it('doubles a leading dot on every line and ends the text with CRLF', () => {
    expect(dotStuff('.a\r\nb\r\n.c')).toBe('..a\r\nb\r\n..c\r\n');
    expect(dotStuff('plain\r\n')).toBe('plain\r\n');
  });
});

/**
 * A strict server that logs what arrives in each read: the commands of one read joined by spaces,
 * or "message" for a whole message with its final dot. Without PIPELINING offered, a command that
 * arrives before the reply to the previous one is refused and the connection closed, as Postfix
 * does with reject_unauth_pipelining. Greeting and EHLO replies are multi-line.
 */
async function scriptedServer({ pipelining, hangUpAfter354 = false, silentAfterStarttls = false }: { pipelining: boolean; hangUpAfter354?: boolean; silentAfterStarttls?: boolean }) {
  const log: string[] = [];
  const server = net.createServer((socket) => {
    let inData = false;
    socket.write('220-strict.test ESMTP\r\n220 welcome\r\n');
    socket.on('data', (chunk) => {
      const text = chunk.toString();
      if (inData) {
        if (!text.endsWith('\r\n.\r\n')) return void log.push('message in pieces');
        log.push('message');
        inData = false;
        return void socket.write('250 2.0.0 queued\r\n');
      }
      const commands = text.split('\r\n').slice(0, -1);
      if (commands.length > 1 && !pipelining) {
        log.push('pipelined');
        return void socket.end('554 5.5.0 improper command pipelining\r\n');
      }
      log.push(commands.map((c) => c.split(' ')[0]).join(' '));
      for (const command of commands) {
        if (command.startsWith('EHLO')) socket.write(`250-strict.test\r\n250-SIZE 10240000\r\n${pipelining ? '250-PIPELINING\r\n' : ''}${silentAfterStarttls ? '250-STARTTLS\r\n' : ''}250 8BITMIME\r\n`);
        else if (command === 'STARTTLS') socket.write('220 go ahead\r\n'); // and then nothing, not even TLS
        else if (command === 'DATA' && hangUpAfter354) socket.write('354 go ahead\r\n', () => setTimeout(() => socket.destroy(), 20));
        else if (command === 'DATA') (inData = true), socket.write('354 go ahead\r\n');
        else if (command === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as net.AddressInfo).port, log };
}

/** Sends two messages over one session to a scripted server; returns what it logged, QUIT aside. */
async function twoMessagesThrough(options: { pipelining: boolean }): Promise<string[]> {
  const { port, log } = await scriptedServer(options);
  const session = await open(port);
  await session.send({ from: 'status@tayori.test', to: ['a@example.test'] }, message('a'));
  await session.send({ from: 'status@tayori.test', to: ['b@example.test'] }, message('b'));
  session.quit();
  return log.filter((l) => l !== 'QUIT');
}
