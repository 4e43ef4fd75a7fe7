// The MTA's resources are bounded per client, loopback included: a client cannot hold a
// connection open by trickling bytes (a deadline per command and for the message, at a minimum
// data rate), nor for ever with commands (a session deadline), nor take more than its share of
// connections; message text sent before the 354 is refused (RFC 2920: DATA ends a pipelined
// group); and large messages in flight are streamed to the spool instead of held in memory.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, RawSmtp, readMailbox, residentMiB, startMta, waitFor, type MtaProcess } from './helpers.js';

const TIMEOUT_S = 2;
const SESSION_S = 6;
const MAX_PER_IP = 5;
let mta: MtaProcess;

beforeAll(async () => {
  mta = await startMta({
    env: { MTA_SOCKET_TIMEOUT_S: String(TIMEOUT_S), MTA_SESSION_TIMEOUT_S: String(SESSION_S), MTA_MAX_CONNECTIONS_PER_IP: String(MAX_PER_IP), MTA_MIN_DATA_RATE: '500' },
  });
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes one byte every `everyMs` until the server hangs up; returns how long that took. */
async function trickle(smtp: RawSmtp, text: string, everyMs: number, giveUpMs: number): Promise<number> {
  const started = Date.now();
  for (let i = 0; !smtp.closed && Date.now() - started < giveUpMs; i++) {
    smtp.write(text[i % text.length]!);
    await sleep(everyMs);
  }
  return Date.now() - started;
}

describe('slow clients', () => {
  it('a command sent one byte at a time is cut off at the timeout, though every byte came within it', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'slow.example', '127.0.0.61');
    const lasted = await trickle(smtp, 'NOOP NOOP NOOP NOOP NOOP NOOP NOOP NOOP', 400, 15_000);
    expect(smtp.closed).toBe(true);
    expect(lasted).toBeLessThan((TIMEOUT_S + 2) * 1000);
    expect(await smtp.reply()).toBe('421 4.4.2 mx.tayori.test Error: timeout exceeded');
  });

  it('a message sent slower than the minimum data rate is cut off and not kept', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'slow.example', '127.0.0.62');
    expect(await smtp.command('MAIL FROM:<slow@example.org>')).toBe('250 2.1.0 Accepted');
    expect(await smtp.command(`RCPT TO:<user2@${DEMO}>`)).toBe('250 2.1.5 Accepted');
    expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
    smtp.write('Subject: trickle\r\nMessage-ID: <trickle@example.org>\r\n\r\n');
    const lasted = await trickle(smtp, 'x', 400, 15_000);
    expect(smtp.closed).toBe(true);
    expect(lasted).toBeLessThan((TIMEOUT_S + 2) * 1000);
    expect(await smtp.reply()).toBe('421 4.4.2 mx.tayori.test Error: timeout exceeded');
    await sleep(500);
    expect(readMailbox(mta.dataDir, `user2@${DEMO}`).filter((m) => m.includes('<trickle@example.org>'))).toEqual([]);
  });

  it('a session kept busy with commands ends at the session deadline', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'busy.example', '127.0.0.63');
    const started = Date.now();
    let reply = '';
    while (Date.now() - started < (SESSION_S + 5) * 1000) {
      reply = await smtp.command('NOOP');
      if (!reply.startsWith('250')) break;
      await sleep(500);
    }
    expect(reply).toBe('421 4.4.2 mx.tayori.test Error: session time limit exceeded');
    await smtp.waitClosed();
    expect(Date.now() - started).toBeGreaterThanOrEqual((SESSION_S - 1) * 1000);
  });
});

describe('connections', () => {
  it(`a loopback client may hold ${MAX_PER_IP} connections, not the server's every slot`, async () => {
    const held: RawSmtp[] = [];
    for (let i = 0; i < MAX_PER_IP; i++) {
      const s = await RawSmtp.connect(mta.smtpPort, '127.0.0.1');
      expect(await s.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
      held.push(s);
    }
    const extra = await RawSmtp.connect(mta.smtpPort, '127.0.0.1');
    expect(await extra.reply()).toBe('421 4.7.0 mx.tayori.test Error: too many connections from 127.0.0.1');
    await extra.waitClosed();
    // Someone else still gets in.
    const other = await RawSmtp.connect(mta.smtpPort, '127.0.0.64');
    expect(await other.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
    for (const s of [...held, other]) s.close();
  });
});

describe('pipelining', () => {
  it('message text sent before the 354 is refused and the connection closed, so nothing is kept', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'eager.example', '127.0.0.65');
    smtp.write(`MAIL FROM:<eager@example.org>\r\nRCPT TO:<user3@${DEMO}>\r\nDATA\r\nSubject: too early\r\nMessage-ID: <early@example.org>\r\n\r\nbody\r\n.\r\nQUIT\r\n`);
    expect(await smtp.reply()).toBe('250 2.1.0 Accepted');
    expect(await smtp.reply()).toBe('250 2.1.5 Accepted');
    expect(await smtp.reply()).toBe('503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining');
    await smtp.waitClosed();
    await sleep(500);
    expect(readMailbox(mta.dataDir, `user3@${DEMO}`).filter((m) => m.includes('<early@example.org>'))).toEqual([]);
  });

  it('a pipelined envelope that waits for the 354 is fine (RFC 2920)', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'pipeline.example', '127.0.0.66');
    smtp.write(`MAIL FROM:<ok@example.org>\r\nRCPT TO:<user3@${DEMO}>\r\nRCPT TO:<user2@${DEMO}>\r\nDATA\r\n`);
    expect([await smtp.reply(), await smtp.reply(), await smtp.reply(), await smtp.reply()]).toEqual(['250 2.1.0 Accepted', '250 2.1.5 Accepted', '250 2.1.5 Accepted', '354 End data with <CR><LF>.<CR><LF>']);
    expect(await smtp.command('Subject: pipelined\r\nMessage-ID: <pipelined@example.org>\r\n\r\nbody\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued as /);
    smtp.close();
    await waitFor('the pipelined message', () => readMailbox(mta.dataDir, `user3@${DEMO}`).some((m) => m.includes('<pipelined@example.org>')));
  });
});

describe('large messages in flight', () => {
  const PARALLEL = 6;
  const MIB = 1024 * 1024;
  const SIZE_MIB = 20;
  let big: MtaProcess;

  beforeAll(async () => {
    big = await startMta();
  });

  afterAll(async () => {
    expect(await big?.stop()).toBe(0);
  });

  /** Sends one message of `bytes` in 64 KiB writes that wait for the socket to drain. */
  async function sendLarge(n: number, bytes: number): Promise<string> {
    const { smtp } = await openSession(big.smtpPort, 'big.example', `127.0.0.${70 + n}`);
    expect(await smtp.command('MAIL FROM:<big@example.org>')).toBe('250 2.1.0 Accepted');
    expect(await smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe('250 2.1.5 Accepted');
    expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
    const line = Buffer.from(`${'0123456789abcdef'.repeat(4)}\r\n`);
    const block = Buffer.concat(Array(1024).fill(line));
    smtp.write(`Subject: large ${n}\r\nMessage-ID: <large-${n}@example.org>\r\n\r\n`);
    for (let sent = 0; sent < bytes; sent += block.length) {
      if (!smtp.socket.write(block)) await new Promise((r) => (smtp.socket as net.Socket).once('drain', r));
    }
    const reply = await smtp.command('.');
    smtp.close();
    return reply;
  }

  // Counted by name: reading the mailbox would put the messages in this process's memory.
  const delivered = () => {
    const dir = path.join(big.dataDir, 'mail', DEMO, 'user1', 'new');
    return fs.existsSync(dir) ? fs.readdirSync(dir).length : 0;
  };

  it(`${PARALLEL} messages of ${SIZE_MIB} MiB at once take less extra memory than their size`, async () => {
    expect(await sendLarge(0, 64 * 1024)).toMatch(/^250 /);
    await waitFor('the warm-up message', () => delivered() === 1);
    await sleep(500);
    const baseline = residentMiB(big.child.pid!);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, residentMiB(big.child.pid!))), 5);
    try {
      const replies = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => sendLarge(i + 1, SIZE_MIB * MIB)));
      expect(replies.every((r) => /^250 2\.0\.0 Ok: queued as /.test(r))).toBe(true);
      await waitFor('every large message delivered', () => delivered() === PARALLEL + 1, 120_000, 100);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, residentMiB(big.child.pid!, 'VmHWM'));
    const ratio = (peak - baseline) / (PARALLEL * SIZE_MIB);
    console.log(`large messages: RSS ${baseline.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB, ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeLessThan(1);
    const dir = path.join(big.dataDir, 'mail', DEMO, 'user1', 'new');
    const sizes = fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)).size).sort((a, b) => a - b);
    expect(sizes.slice(1).every((size) => size > SIZE_MIB * MIB)).toBe(true);
    // Streamed through, byte for byte: the body is the 20 MiB of 66-octet lines that were sent.
    const file = fs.readdirSync(dir).map((f) => path.join(dir, f)).find((f) => fs.statSync(f).size > SIZE_MIB * MIB)!;
    const stored = fs.readFileSync(file);
    const body = stored.subarray(stored.indexOf('\r\n\r\n', stored.indexOf('Subject: large')) + 4);
    const line = `${'0123456789abcdef'.repeat(4)}\r\n`;
    expect(body.length).toBe(Math.ceil((SIZE_MIB * MIB) / (1024 * line.length)) * 1024 * line.length);
    expect(body.toString('latin1').split('\r\n').slice(0, -1).every((l) => `${l}\r\n` === line)).toBe(true);
  });
});
