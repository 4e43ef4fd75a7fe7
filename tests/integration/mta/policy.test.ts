// Admission policy from the outside: recipient verification (the 2014 countermeasure), relay
// rules (never an open relay), the blocklist managed through the admin API, per-IP limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, RawSmtp, readMailbox, startMta, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;

beforeAll(async () => {
  mta = await startMta({
    env: {
      MTA_TRUSTED_NETWORKS: '192.0.2.0/24',
      MTA_MAX_CONNECTIONS_PER_IP: '3',
      MTA_MAX_MESSAGES_PER_MINUTE_PER_IP: '20',
      MTA_MAX_CONNECTIONS_PER_MINUTE_PER_IP: '30',
    },
  });
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

async function rcptReply(rcpt: string, from = 'sender@example.org'): Promise<string> {
  const { smtp } = await openSession(mta.smtpPort, 'client.example', '127.0.0.4');
  expect(await smtp.command(`MAIL FROM:<${from}>`)).toBe('250 2.1.0 Accepted');
  const reply = await smtp.command(`RCPT TO:<${rcpt}>`);
  smtp.close();
  return reply;
}

describe('recipient verification and relay rules', () => {
  it('a mailbox that does not exist in a hosted domain gets 550 5.1.1 at RCPT time', async () => {
    expect(await rcptReply(`nobody@${DEMO}`)).toBe(`550 5.1.1 <nobody@${DEMO}>: Recipient address rejected: User unknown in virtual mailbox table`);
    expect(await rcptReply(`User1@${DEMO.toUpperCase()}`)).toBe('250 2.1.5 Accepted');
  });

  it('an outside client cannot relay, whatever the address trick', async () => {
    const tricks = [
      'victim@example.com',
      'victim@example.com.',
      `victim@example.com@${DEMO}`,
      `victim%example.com@${DEMO}`,
      'user1@[127.0.0.1]',
      `"victim@example.com"@${DEMO}`,
    ];
    for (const rcpt of tricks) {
      const reply = await rcptReply(rcpt);
      expect(reply, rcpt).toMatch(/^5\d\d 5\.\d\.\d /);
    }
    expect(await rcptReply('victim@example.com')).toBe('554 5.7.1 <victim@example.com>: Relay access denied');
    const { smtp } = await openSession(mta.smtpPort, 'client.example', '127.0.0.4');
    await smtp.command('MAIL FROM:<a@example.org>');
    expect(await smtp.command('RCPT TO:<@relay.example:victim@example.com>')).toMatch(/^5\d\d /);
    smtp.close();
  });

  it('with verification switched off for a domain (the 2014 setup), unknown users are accepted and bounced with a DSN', async () => {
    expect((await mta.api('PUT', '/api/domains/lax.tayori.test', { verify_recipients: false, actor: 'ops' })).status).toBe(200);
    const { smtp } = await openSession(mta.smtpPort, 'client.example', '127.0.0.4');
    expect(await smtp.command(`MAIL FROM:<info@${DEMO}>`)).toBe('250 2.1.0 Accepted');
    expect(await smtp.command('RCPT TO:<ghost@lax.tayori.test>')).toBe('250 2.1.5 Accepted');
    expect(await smtp.command('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>');
    expect(await smtp.command('Subject: to a ghost\r\nMessage-ID: <ghost@demo.tayori.test>\r\n\r\nhello\r\n.')).toMatch(/^250 2\.0\.0 Ok: queued as/);
    smtp.close();
    const dsn = await waitFor('the bounce in info@', () => readMailbox(mta.dataDir, `info@${DEMO}`).find((m) => m.includes('Undelivered Mail Returned to Sender')));
    expect(dsn).toMatch(/^Return-Path: <>$/m);
    expect(dsn).toMatch(/Content-Type: multipart\/report; report-type=delivery-status;/);
    expect(dsn).toContain('Final-Recipient: rfc822; ghost@lax.tayori.test');
    expect(dsn).toContain('Action: failed');
    expect(dsn).toContain('Status: 5.1.1');
    expect(dsn).toContain('Content-Type: text/rfc822-headers');
    expect(dsn).toContain('Message-ID: <ghost@demo.tayori.test>');
    const { json } = await mta.api('GET', '/api/events?kind=domain');
    expect(json.events[0]).toMatchObject({ kind: 'domain', actor: 'ops', detail: { domain: 'lax.tayori.test', verify_recipients: false } });
  });
});

describe('blocklist through the admin API', () => {
  it('a blocked client IP range is refused at connect with 554 5.7.1, and let in again once removed', async () => {
    const added = await mta.api('POST', '/api/blocklist', { kind: 'client', value: '127.0.0.8/30', reason: 'flood source', actor: 'ops' });
    expect(added.status).toBe(201);
    expect(added.json.entry).toMatchObject({ kind: 'client', value: '127.0.0.8/30', reason: 'flood source', created_by: 'ops' });
    const blocked = await RawSmtp.connect(mta.smtpPort, '127.0.0.9');
    expect(await blocked.reply()).toBe('554 5.7.1 Service unavailable; Client host [127.0.0.9] blocked using local blocklist');
    await blocked.waitClosed();
    const other = await RawSmtp.connect(mta.smtpPort, '127.0.0.12');
    expect(await other.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
    other.close();
    expect((await mta.api('DELETE', `/api/blocklist/${added.json.entry.id}`)).status).toBe(200);
    const again = await RawSmtp.connect(mta.smtpPort, '127.0.0.9');
    expect(await again.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
    again.close();
  });

  it('a blocked sender domain (and its subdomains) is refused at MAIL FROM with 550 5.7.1', async () => {
    expect((await mta.api('POST', '/api/blocklist', { kind: 'sender_domain', value: 'spam.example' })).status).toBe(201);
    const { smtp } = await openSession(mta.smtpPort, 'client.example', '127.0.0.4');
    expect(await smtp.command('MAIL FROM:<bulk@mx1.spam.example>')).toBe('550 5.7.1 <bulk@mx1.spam.example>: Sender address rejected: Access denied');
    expect(await smtp.command('MAIL FROM:<bulk@notspam.example>')).toBe('250 2.1.0 Accepted');
    smtp.close();
  });

  it('a blocked HELO name is refused at MAIL FROM with 550 5.7.1', async () => {
    expect((await mta.api('POST', '/api/blocklist', { kind: 'helo', value: 'botnet.example' })).status).toBe(201);
    const { smtp } = await openSession(mta.smtpPort, 'node7.botnet.example', '127.0.0.4');
    expect(await smtp.command('MAIL FROM:<a@example.org>')).toBe('550 5.7.1 <node7.botnet.example>: Helo command rejected: Access denied');
    smtp.close();
  });

  it('bad blocklist input is refused with a clear JSON error', async () => {
    const bad = await mta.api('POST', '/api/blocklist', { kind: 'client', value: '300.1.2.3' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: 'invalid_request', message: 'value: "300.1.2.3" is not an IP address or CIDR range' });
    const wrongKind = await mta.api('POST', '/api/blocklist', { kind: 'country', value: 'xx' });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.json.issues[0].field).toBe('kind');
    const list = await mta.api('GET', '/api/blocklist');
    expect(list.json.entries.map((e: { kind: string; value: string }) => `${e.kind}:${e.value}`)).toEqual(['sender_domain:spam.example', 'helo:botnet.example']);
  });
});

describe('per-client limits', () => {
  it('a fourth simultaneous connection from one IP gets 421 4.7.0; other IPs are unaffected', async () => {
    const open = await Promise.all([1, 2, 3].map(async () => {
      const s = await RawSmtp.connect(mta.smtpPort, '127.0.0.20');
      expect(await s.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
      return s;
    }));
    const fourth = await RawSmtp.connect(mta.smtpPort, '127.0.0.20');
    expect(await fourth.reply()).toBe('421 4.7.0 mx.tayori.test Error: too many connections from 127.0.0.20');
    await fourth.waitClosed();
    const elsewhere = await RawSmtp.connect(mta.smtpPort, '127.0.0.21');
    expect(await elsewhere.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
    elsewhere.close();
    open[0]!.close();
    await waitFor('a free connection slot', async () => {
      const s = await RawSmtp.connect(mta.smtpPort, '127.0.0.20');
      const reply = await s.reply();
      s.close();
      return reply.startsWith('220');
    });
    for (const s of open) s.close();
  });

  it('a client over its messages per minute gets 421 4.7.0 and is disconnected', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'client.example', '127.0.0.30');
    for (let i = 0; i < 20; i++) {
      expect(await smtp.command('MAIL FROM:<burst@example.org>')).toBe('250 2.1.0 Accepted');
      expect(await smtp.command('RSET')).toBe('250 2.0.0 Flushed');
    }
    expect(await smtp.command('MAIL FROM:<burst@example.org>')).toBe('421 4.7.0 mx.tayori.test Error: too much mail from 127.0.0.30');
    await smtp.waitClosed();
  });

  it('a client opening connections faster than its per-minute allowance gets 421 4.7.0', async () => {
    const replies: string[] = [];
    for (let i = 0; i < 31; i++) {
      const s = await RawSmtp.connect(mta.smtpPort, '127.0.0.40');
      replies.push(await s.reply());
      s.close();
    }
    expect(replies.slice(0, 30).every((r) => r === '220 mx.tayori.test ESMTP Tayori')).toBe(true);
    expect(replies[30]).toBe('421 4.7.0 mx.tayori.test Error: too many connections from 127.0.0.40');
  });

  it('every rejection is counted by reason', async () => {
    const metrics = await mta.metrics();
    for (const [reason, atLeast] of [['unknown_user', 1], ['relay_denied', 2], ['blocklist_client', 1], ['blocklist_sender', 1], ['blocklist_helo', 1], ['connection_limit', 1], ['connection_rate', 1], ['rate_limit', 1]] as const) {
      const match = new RegExp(`^tayori_mta_rejections_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(metrics);
      expect(Number(match?.[1] ?? 0), reason).toBeGreaterThanOrEqual(atLeast);
    }
  });
});
