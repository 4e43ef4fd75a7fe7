// Probes an attacker would try that the MTA already withstands, kept as tests so that they go on
// holding: SMTP smuggling (a message end other than CRLF.CRLF hiding a second message inside the
// first), recipient and account enumeration through VRFY, EXPN and AUTH replies, and commands
// injected behind STARTTLS.
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, readMailbox, selfSignedCertificate, startMta, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;

beforeAll(async () => {
  const { key, cert } = selfSignedCertificate();
  mta = await startMta({ env: { MTA_TLS_KEY: key, MTA_TLS_CERT: cert, MTA_AUTH_FAILURE_DELAY_MS: '0' } });
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

describe('SMTP smuggling', () => {
  // Every way of ending a line around the dot except CRLF.CRLF, which alone ends DATA.
  const variants = { 'LF.LF': '\n.\n', 'LF.CRLF': '\n.\r\n', 'CR.LF': '\r.\n', 'CRLF.LF': '\r\n.\n', 'CR.CRLF': '\r.\r\n', 'CR.CR': '\r.\r' };

  for (const [name, ending] of Object.entries(variants)) {
    it(`${name} does not end the message: what follows stays inside it`, async () => {
      const tag = name.replace(/\./g, '-').toLowerCase();
      const { smtp } = await openSession(mta.smtpPort, 'smuggler.example', '127.0.0.81');
      expect(await smtp.command('MAIL FROM:<outer@example.org>')).toBe('250 2.1.0 Accepted');
      expect(await smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe('250 2.1.5 Accepted');
      expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
      const smuggled = `MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<user2@${DEMO}>\r\nDATA\r\nSubject: smuggled\r\nMessage-ID: <smuggled-${tag}@bank.example>\r\n\r\nwire the money\r\n`;
      // One reply only: the 250 for the outer message.
      expect(await smtp.command(`Subject: outer\r\nMessage-ID: <outer-${tag}@example.org>\r\n\r\nhello${ending}${smuggled}.`)).toMatch(/^250 2\.0\.0 Ok: queued as /);
      expect(await smtp.command('NOOP')).toBe('250 2.0.0 OK');
      smtp.close();
      const outer = await waitFor('the outer message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes(`<outer-${tag}@example.org>`)));
      expect(outer).toContain(`<smuggled-${tag}@bank.example>`);
      expect(readMailbox(mta.dataDir, `user2@${DEMO}`).filter((m) => m.includes(`<smuggled-${tag}@bank.example>`))).toEqual([]);
    });
  }
});

describe('enumeration', () => {
  it('VRFY answers the same for a mailbox that exists and one that does not; EXPN is not offered', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'probe.example', '127.0.0.82');
    const known = await smtp.command(`VRFY user1@${DEMO}`);
    expect(await smtp.command(`VRFY nobody@${DEMO}`)).toBe(known);
    expect(known).toMatch(/^252 /);
    expect(await smtp.command(`EXPN user1@${DEMO}`)).toBe('500 5.5.2 Error: command not recognized');
    smtp.close();
  });

  it('a failed login reads the same whether the user exists or not', async () => {
    expect((await mta.api('PUT', `/api/mailboxes/user3@${DEMO}/password`, { password: 'correct horse battery' })).status).toBe(200);
    const attempt = async (user: string, localAddress: string) => {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mta.smtpPort, localAddress, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user, pass: 'not the password' } });
      const error = await transport.verify().catch((e: { response?: string }) => e);
      transport.close();
      return (error as { response?: string }).response;
    };
    const existing = await attempt(`user3@${DEMO}`, '127.0.0.83');
    expect(existing).toBe('535 5.7.8 Error: authentication failed');
    expect(await attempt(`ghost@${DEMO}`, '127.0.0.84')).toBe(existing);
  });
});

describe('STARTTLS', () => {
  it('commands sent in the same packet as STARTTLS are dropped, not run inside TLS', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'inject.example', '127.0.0.85');
    smtp.write('STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n');
    expect(await smtp.reply()).toBe('220 2.0.0 Ready to start TLS');
    smtp.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: smtp.socket, rejectUnauthorized: false });
    let buffer = '';
    secure.on('data', (c: Buffer) => (buffer += c.toString('latin1')));
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    const reply = async (line: string) => {
      buffer = '';
      secure.write(`${line}\r\n`);
      return waitFor(`the reply to ${line}`, () => (/^\d{3} [^\n]*\r\n/m.test(buffer) ? buffer : undefined), 10_000, 20);
    };
    expect(await reply('EHLO inject.example')).toMatch(/^250-mx\.tayori\.test/);
    // Had the MAIL FROM been run, this would be accepted.
    expect(await reply(`RCPT TO:<user1@${DEMO}>`)).toBe('503 5.5.1 Error: need MAIL command\r\n');
    secure.destroy();
  });
});
