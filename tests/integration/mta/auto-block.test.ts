// Automatic blocking from the outside: a client that floods the MTA, or tries address after
// address (a dictionary attack), is put on the blocklist by itself for a while, and let in again
// once the block expires. Only loopback's 127.0.0.1 is trusted here, so every other 127.x address
// is an outside client of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, RawSmtp, startMta, waitFor, type MtaProcess } from './helpers.js';

// Long enough for the checks made while the block is in force, even on a busy machine.
const BLOCK_MINUTES = 0.25;
const FLOODER = '127.0.0.5';

let mta: MtaProcess;

beforeAll(async () => {
  mta = await startMta({ env: { MTA_TRUSTED_NETWORKS: '127.0.0.1/32', MTA_AUTO_BLOCK_MINUTES: String(BLOCK_MINUTES) } });
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

// Automatic entries expire: the refusal is temporary (421 at connect, 450 later), so that real
// servers retry after the block instead of bouncing.
const blockedReply = (ip: string, code = 450) => `${code} 4.7.1 Client host [${ip}] temporarily blocked for sending too much mail; try again later`;

async function sendMessage(smtp: RawSmtp, n: number): Promise<string> {
  const mail = await smtp.command('MAIL FROM:<bulk@flood.example>');
  if (!mail.startsWith('250')) return mail;
  expect(await smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe('250 2.1.5 Accepted');
  expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
  return smtp.command(`Subject: offer ${n}\r\nMessage-ID: <flood-${n}@flood.example>\r\n\r\nbuy now\r\n.`);
}

async function autoEntries(): Promise<Array<Record<string, unknown>>> {
  const { json } = await mta.api('GET', '/api/blocklist');
  return json.entries.filter((e: { created_by: string }) => e.created_by === 'auto');
}

function metric(text: string, trigger: string): number {
  return Number(new RegExp(`^tayori_mta_auto_blocks_total\\{trigger="${trigger}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? -1);
}

describe('a client that sends too many messages', () => {
  let expiresAt: number;

  it('is refused once it has sent more than 60 in a minute, in this session and in the ones it has open', async () => {
    // Sessions of the same client opened before the flood: one idle, one in the middle of a transaction.
    const idle = await openSession(mta.smtpPort, 'bulk.example', FLOODER);
    const midway = await openSession(mta.smtpPort, 'bulk.example', FLOODER);
    expect(await midway.smtp.command('MAIL FROM:<bulk@flood.example>')).toBe('250 2.1.0 Accepted');

    const flood = await openSession(mta.smtpPort, 'bulk.example', FLOODER);
    const replies: string[] = [];
    for (let n = 2; n <= 61; n++) replies.push(await sendMessage(flood.smtp, n));
    // Messages 2 to 60 (the first MAIL was the other session's) are accepted, the 61st is not.
    expect(replies.slice(0, 59).every((r) => /^250 2\.0\.0 Ok: queued as /.test(r))).toBe(true);
    expect(replies[59]).toBe(blockedReply(FLOODER));
    flood.smtp.close();

    expect(await midway.smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe(blockedReply(FLOODER));
    expect(await idle.smtp.command('MAIL FROM:<bulk@flood.example>')).toBe(blockedReply(FLOODER));
    midway.smtp.close();
    idle.smtp.close();

    const again = await RawSmtp.connect(mta.smtpPort, FLOODER);
    expect(await again.reply()).toBe(blockedReply(FLOODER, 421));
    await again.waitClosed();
  });

  it('does not affect other clients', async () => {
    const other = await openSession(mta.smtpPort, 'customer.example', '127.0.0.6');
    expect(await sendMessage(other.smtp, 1000)).toMatch(/^250 2\.0\.0 Ok: queued as /);
    other.smtp.close();
  });

  it('is listed in the admin API as an automatic entry with its expiry, counted and logged', async () => {
    const { json } = await mta.api('GET', '/api/blocklist');
    expect(json).toMatchObject({ enabled: true, auto_block: { enabled: true, messages_per_minute: 60, rejected_recipients_per_minute: 10, minutes: BLOCK_MINUTES } });
    const [entry] = await autoEntries();
    expect(entry).toMatchObject({ kind: 'client', value: FLOODER, created_by: 'auto', reason: 'auto: 61 messages in 60 s (limit 60)' });
    expiresAt = Date.parse(entry!.expires_at as string);
    const lasts = expiresAt - Date.parse(entry!.created_at as string);
    expect(lasts).toBe(BLOCK_MINUTES * 60_000);

    expect(metric(await mta.metrics(), 'messages')).toBe(1);
    const events = (await mta.api('GET', '/api/events?kind=blocklist')).json.events;
    expect(events[0]).toMatchObject({ actor: 'auto', reason: 'auto: 61 messages in 60 s (limit 60)', detail: { action: 'add', kind: 'client', value: FLOODER, trigger: 'messages', count: 61 } });
    expect(mta.output()).toContain(`blocklist: auto added client ${FLOODER} until ${entry!.expires_at}`);
  });

  it('is let in again once the block has expired', async () => {
    await waitFor('the block to expire', () => Date.now() > expiresAt, BLOCK_MINUTES * 60_000 + 5_000, 200);
    const back = await openSession(mta.smtpPort, 'bulk.example', FLOODER);
    expect(back.greeting).toBe('220 mx.tayori.test ESMTP Tayori');
    expect(await sendMessage(back.smtp, 2000)).toMatch(/^250 2\.0\.0 Ok: queued as /);
    back.smtp.close();
    expect(await autoEntries()).toEqual([]);
  });
});

describe('a dictionary attack', () => {
  it('is blocked after more than 10 refused recipients in a minute', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'guess.example', '127.0.0.7');
    expect(await smtp.command('MAIL FROM:<guess@guess.example>')).toBe('250 2.1.0 Accepted');
    for (let i = 1; i <= 11; i++) {
      // The 11th is still refused for what it is; the block applies from the next command.
      expect(await smtp.command(`RCPT TO:<guess${i}@${DEMO}>`)).toBe(`550 5.1.1 <guess${i}@${DEMO}>: Recipient address rejected: User unknown in virtual mailbox table`);
    }
    expect(await smtp.command(`RCPT TO:<user1@${DEMO}>`)).toBe(blockedReply('127.0.0.7'));
    smtp.close();
    const entry = (await autoEntries()).find((e) => e.value === '127.0.0.7');
    expect(entry).toMatchObject({ kind: 'client', reason: 'auto: 11 refused recipients in 60 s (limit 10)' });
    expect(metric(await mta.metrics(), 'rejected_recipients')).toBe(1);
  });
});

describe('trusted networks', () => {
  it('are never blocked automatically', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'status.example', '127.0.0.1');
    for (let i = 0; i < 70; i++) {
      expect(await smtp.command('MAIL FROM:<status@tayori.test>')).toBe('250 2.1.0 Accepted');
      expect(await smtp.command(`RCPT TO:<nobody${i}@${DEMO}>`)).toMatch(/^550 5\.1\.1 /);
      expect(await smtp.command('RSET')).toBe('250 2.0.0 Flushed');
    }
    smtp.close();
    expect((await autoEntries()).map((e) => e.value)).not.toContain('127.0.0.1');
  });
});
