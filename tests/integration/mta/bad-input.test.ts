// Bad and hostile SMTP input, each case with the exact reply a client sees. Nothing crashes the
// MTA, and nothing partial or smuggled is ever delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, RawSmtp, readMailbox, startMta, tmpFilesIn, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;

const EHLO_REPLY = ['250-mx.tayori.test Nice to meet you, [127.0.0.1]', '250-PIPELINING', '250-8BITMIME', '250-SMTPUTF8', '250-ENHANCEDSTATUSCODES', '250 SIZE 10000'].join('\r\n');

beforeAll(async () => {
  mta = await startMta({
    env: {
      // loopback is an ordinary outside client here: not trusted, and no login without TLS
      MTA_TRUSTED_NETWORKS: '192.0.2.0/24',
      MTA_LOOPBACK_PLAINTEXT_AUTH: 'off',
      MTA_MAX_MESSAGE_BYTES: '10000',
      MTA_SOCKET_TIMEOUT_S: '2',
    },
  });
  // A hosted domain without recipient verification accepts any local part (to bounce it later).
  const { status } = await mta.api('PUT', '/api/domains/bulk.tayori.test', { verify_recipients: false });
  expect(status).toBe(200);
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

async function transaction(rcpt = `user1@${DEMO}`): Promise<RawSmtp> {
  const { smtp } = await openSession(mta.smtpPort);
  expect(await smtp.command('MAIL FROM:<sender@example.org>')).toBe('250 2.1.0 Accepted');
  expect(await smtp.command(`RCPT TO:<${rcpt}>`)).toBe('250 2.1.5 Accepted');
  expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
  return smtp;
}

async function accepted(): Promise<number> {
  const match = /^tayori_mta_messages_accepted_total (\d+)$/m.exec(await mta.metrics());
  return Number(match?.[1] ?? 0);
}

describe('SMTP bad input', () => {
  it('greets and lists the ESMTP extensions like Postfix', async () => {
    const { smtp, greeting, ehlo } = await openSession(mta.smtpPort);
    expect(greeting).toBe('220 mx.tayori.test ESMTP Tayori');
    expect(ehlo).toBe(EHLO_REPLY);
    expect(await smtp.command('QUIT')).toBe('221 2.0.0 Bye');
  });

  it('unknown and out-of-order commands get 5xx replies and the session goes on', async () => {
    const smtp = await RawSmtp.connect(mta.smtpPort);
    await smtp.reply();
    expect(await smtp.command('MAIL FROM:<a@example.org>')).toBe('503 5.5.1 Error: send HELO/EHLO first');
    expect(await smtp.command('EHLO')).toBe('501 Error: syntax: EHLO hostname');
    expect(await smtp.command('EHLO client.example')).toBe(EHLO_REPLY);
    expect(await smtp.command('FROBNICATE now')).toBe('500 5.5.2 Error: command not recognized');
    expect(await smtp.command('DATA')).toBe('503 5.5.1 Error: need RCPT command');
    expect(await smtp.command('RCPT TO:<user1@demo.tayori.test>')).toBe('503 5.5.1 Error: need MAIL command');
    expect(await smtp.command('NOOP')).toBe('250 2.0.0 OK');
    smtp.close();
  });

  it('malformed addresses are refused with 501', async () => {
    const { smtp } = await openSession(mta.smtpPort);
    for (const bad of ['MAIL FROM:alice', 'MAIL FROM:<a b@example.org>', 'MAIL FROM:<alice@>', 'MAIL FROM:<@>']) {
      expect(await smtp.command(bad)).toBe('501 5.1.7 Error: Bad sender address syntax');
    }
    expect(await smtp.command('MAIL FROM:<sender@example.org>')).toBe('250 2.1.0 Accepted');
    for (const bad of ['RCPT TO:<user1>', 'RCPT TO:<>', 'RCPT TO:user1@demo.tayori.test extra']) {
      expect(await smtp.command(bad)).toMatch(/^501 5\.(1\.3|5\.4) /);
    }
    expect(await smtp.command('RCPT TO:<user1>')).toBe('501 5.1.3 Error: Bad recipient address syntax');
    smtp.close();
  });

  it('bare LF ends commands, but never ends DATA: an attempt to smuggle a second message stays inside the first', async () => {
    const before = readMailbox(mta.dataDir, `user2@${DEMO}`).length;
    const smtp = await RawSmtp.connect(mta.smtpPort);
    await smtp.reply();
    smtp.write('EHLO lf.example\n');
    expect(await smtp.reply()).toBe(EHLO_REPLY);
    smtp.write('MAIL FROM:<sender@example.org>\n');
    expect(await smtp.reply()).toBe('250 2.1.0 Accepted');
    smtp.write('RCPT TO:<user1@demo.tayori.test>\n');
    expect(await smtp.reply()).toBe('250 2.1.5 Accepted');
    smtp.write('DATA\n');
    expect(await smtp.reply()).toBe('354 End data with <CR><LF>.<CR><LF>');
    smtp.write('Subject: outer\r\nMessage-ID: <smuggle-outer@example.org>\r\n\r\nhello\n.\nMAIL FROM:<evil@example.org>\nRCPT TO:<user2@demo.tayori.test>\nDATA\nSubject: smuggled\n\nevil\n.\n');
    smtp.write('\r\n.\r\n');
    expect(await smtp.reply()).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-Z]{17}$/);
    smtp.close();
    const mail = await waitFor('the outer message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<smuggle-outer@example.org>')));
    // The would-be second message is body text of the first, with normalised line ends.
    expect(mail).toContain('hello\r\n.\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<user2@demo.tayori.test>\r\n');
    expect(readMailbox(mta.dataDir, `user2@${DEMO}`)).toHaveLength(before);
  });

  it('NUL bytes: refused in an address, refused in message data', async () => {
    const { smtp } = await openSession(mta.smtpPort);
    smtp.write('MAIL FROM:<a\u0000b@example.org>\r\n');
    expect(await smtp.reply()).toBe('501 5.1.7 Error: Bad sender address syntax');
    smtp.close();
    const count = await accepted();
    const data = await transaction();
    data.write('Subject: nul\r\nMessage-ID: <nul@example.org>\r\n\r\nab\u0000cd\r\n.\r\n');
    expect(await data.reply()).toBe('554 5.6.0 Message content rejected: NUL characters are not allowed');
    expect(await data.command('NOOP')).toBe('250 2.0.0 OK');
    data.close();
    expect(await accepted()).toBe(count);
    expect(readMailbox(mta.dataDir, `user1@${DEMO}`).join('')).not.toContain('<nul@example.org>');
  });

  it('8-bit headers without SMTPUTF8 are accepted (as Postfix does) and delivered byte for byte', async () => {
    const smtp = await transaction();
    const subject = Buffer.from('Subject: 障害のお知らせ\r\n', 'utf8');
    smtp.write(Buffer.concat([subject, Buffer.from('Message-ID: <eightbit@example.org>\r\n\r\n本文\r\n.\r\n', 'utf8')]));
    expect(await smtp.reply()).toMatch(/^250 2\.0\.0 Ok: queued as /);
    smtp.close();
    const mail = await waitFor('the 8-bit message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<eightbit@example.org>')));
    expect(Buffer.from(mail, 'latin1').includes(subject)).toBe(true);
  });

  it('a non-ASCII address needs SMTPUTF8', async () => {
    const { smtp } = await openSession(mta.smtpPort);
    smtp.write(Buffer.from('MAIL FROM:<ユーザー@example.jp>\r\n', 'utf8'));
    expect(await smtp.reply()).toBe('553 5.6.7 Must declare SMTPUTF8 to send unicode address');
    smtp.write(Buffer.from('MAIL FROM:<ユーザー@example.jp> SMTPUTF8\r\n', 'utf8'));
    expect(await smtp.reply()).toBe('250 2.1.0 Accepted');
    smtp.close();
  });

  it('message lines over 1000 octets are kept intact; a command line over 2048 octets ends the session', async () => {
    const longLine = 'L'.repeat(1500);
    const smtp = await transaction();
    smtp.write(`Subject: long\r\nMessage-ID: <longline@example.org>\r\n\r\n${longLine}\r\n.\r\n`);
    expect(await smtp.reply()).toMatch(/^250 2\.0\.0 Ok: queued as /);
    smtp.write(`NOOP ${'x'.repeat(3000)}\r\n`);
    expect(await smtp.reply()).toBe('421 4.4.2 Error: Command line too long');
    await smtp.waitClosed();
    const mail = await waitFor('the long-line message', () => readMailbox(mta.dataDir, `user1@${DEMO}`).find((m) => m.includes('<longline@example.org>')));
    expect(mail).toContain(`\r\n${longLine}\r\n`);
  });

  it('a client that disconnects in the middle of DATA leaves nothing behind', async () => {
    const count = await accepted();
    const smtp = await transaction();
    smtp.write('Subject: cut\r\nMessage-ID: <cut@example.org>\r\n\r\nfirst half of the body\r\n');
    await new Promise((r) => setTimeout(r, 200));
    smtp.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(await accepted()).toBe(count);
    const { json } = await mta.api('GET', '/api/queue');
    expect(json.messages.filter((m: { from: string }) => m.from === 'sender@example.org')).toEqual([]);
    expect(readMailbox(mta.dataDir, `user1@${DEMO}`).join('')).not.toContain('<cut@example.org>');
    expect(tmpFilesIn(mta.dataDir)).toEqual([]);
  });

  it('a client that stalls is disconnected with 421 after the command timeout', async () => {
    const { smtp } = await openSession(mta.smtpPort);
    expect(await smtp.reply(10_000)).toBe('421 4.4.2 Timeout - closing connection');
    await smtp.waitClosed();
  });

  it('thousands of recipients: the first 100 are accepted, the rest get 452 4.5.3', async () => {
    const { smtp } = await openSession(mta.smtpPort);
    expect(await smtp.command('MAIL FROM:<sender@example.org>')).toBe('250 2.1.0 Accepted');
    // Pipelined in one write, as a bulk sender would.
    smtp.write(Array.from({ length: 2000 }, (_, i) => `RCPT TO:<r${i}@bulk.tayori.test>\r\n`).join(''));
    const replies: string[] = [];
    for (let i = 0; i < 2000; i++) replies.push(await smtp.reply());
    expect(replies.slice(0, 100).every((r) => r === '250 2.1.5 Accepted')).toBe(true);
    expect(new Set(replies.slice(100))).toEqual(new Set(['452 4.5.3 Error: too many recipients']));
    expect(await smtp.command('RSET')).toBe('250 2.0.0 Flushed');
    smtp.close();
  });

  it('oversize messages: refused at MAIL FROM when declared, at the end of DATA otherwise', async () => {
    const { smtp } = await openSession(mta.smtpPort);
    expect(await smtp.command('MAIL FROM:<sender@example.org> SIZE=999999')).toBe('552 5.3.4 Error: message exceeds fixed maximum message size 10000');
    smtp.close();
    const count = await accepted();
    const data = await transaction();
    data.write(`Subject: big\r\nMessage-ID: <big@example.org>\r\n\r\n${`${'x'.repeat(998)}\r\n`.repeat(20)}.\r\n`);
    expect(await data.reply()).toBe('552 5.3.4 Message size exceeds fixed limit');
    expect(await data.command('NOOP')).toBe('250 2.0.0 OK');
    data.close();
    expect(await accepted()).toBe(count);
    expect(readMailbox(mta.dataDir, `user1@${DEMO}`).join('')).not.toContain('<big@example.org>');
  });

  it('a client that talks before the greeting (a spambot trait) is told so and disconnected', async () => {
    const smtp = await RawSmtp.connect(mta.smtpPort);
    smtp.write('EHLO hasty.example\r\n');
    expect(await smtp.reply()).toBe('421 mx.tayori.test You talk too soon');
    await smtp.waitClosed();
  });

  it('connections reset in the middle of a command or of DATA do not disturb the MTA', async () => {
    for (const stage of ['command', 'data'] as const) {
      const smtp = stage === 'data' ? await transaction() : (await openSession(mta.smtpPort)).smtp;
      smtp.write(stage === 'data' ? 'Subject: reset\r\n\r\nhalf a li' : 'MAIL FROM:<half@exa');
      await new Promise((r) => setTimeout(r, 100));
      smtp.socket.resetAndDestroy();
    }
    const { smtp, greeting } = await openSession(mta.smtpPort);
    expect(greeting).toBe('220 mx.tayori.test ESMTP Tayori');
    smtp.close();
  });

  it('after all of that the MTA is still up and the rejections are counted by reason', async () => {
    const { status, json } = await mta.api('GET', '/healthz', undefined, null);
    expect(status).toBe(200);
    expect(json.status).toBe('ok');
    const metrics = await mta.metrics();
    expect(metrics).toMatch(/^tayori_mta_rejections_total\{reason="nul_in_message"\} 1$/m);
    expect(metrics).toMatch(/^tayori_mta_rejections_total\{reason="message_too_big"\} 1$/m);
    expect(metrics).toMatch(/^tayori_mta_rejections_total\{reason="smtputf8_required"\} 1$/m);
    expect(mta.child.exitCode).toBeNull();
  });
});
