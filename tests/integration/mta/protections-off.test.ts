// The 2014 setup, for drills and the replay: no blocklist at all (MTA_BLOCKLIST=off) and no
// recipient verification (MTA_RECIPIENT_VERIFICATION=off). Mail is let in that the defaults
// would refuse, and what cannot be delivered is bounced or dropped, with a log line, without
// leaving anything behind in the queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, openSession, RawSmtp, readMailbox, startMta, waitFor, type MtaProcess } from './helpers.js';

let mta: MtaProcess;

beforeAll(async () => {
  // No SMTP_RELAY_URL: mail for other domains goes (or, offline, fails to go) straight to their MX.
  mta = await startMta({ env: { MTA_TRUSTED_NETWORKS: '127.0.0.1/32', MTA_BLOCKLIST: 'off', MTA_RECIPIENT_VERIFICATION: 'off' } });
});

afterAll(async () => {
  expect(await mta?.stop()).toBe(0);
});

async function send(from: string, to: string, ip: string, subject: string): Promise<string> {
  const { smtp } = await openSession(mta.smtpPort, 'client.example', ip);
  const replies = [await smtp.command(`MAIL FROM:<${from}>`), await smtp.command(`RCPT TO:<${to}>`)];
  if (replies.some((r) => !r.startsWith('250'))) {
    smtp.close();
    return replies.find((r) => !r.startsWith('250'))!;
  }
  await smtp.command('DATA');
  const reply = await smtp.command(`Subject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '-')}@client.example>\r\n\r\nhello\r\n.`);
  smtp.close();
  return reply;
}

describe('MTA_BLOCKLIST=off', () => {
  it('lets a client, sender domain and HELO name on the blocklist through; the entries stay listed', async () => {
    for (const [kind, value] of [['client', '127.0.0.8'], ['sender_domain', 'spam.example'], ['helo', 'client.example']]) {
      expect((await mta.api('POST', '/api/blocklist', { kind, value, reason: 'flood source', actor: 'ops' })).status).toBe(201);
    }
    const greeting = await RawSmtp.connect(mta.smtpPort, '127.0.0.8');
    expect(await greeting.reply()).toBe('220 mx.tayori.test ESMTP Tayori');
    greeting.close();
    expect(await send('bulk@spam.example', `user1@${DEMO}`, '127.0.0.8', 'blocklisted but let in')).toMatch(/^250 2\.0\.0 Ok: queued as /);
    const { json } = await mta.api('GET', '/api/blocklist');
    expect(json.enabled).toBe(false);
    expect(json.auto_block.enabled).toBe(false);
    expect(json.entries).toHaveLength(3);
  });

  it('blocks nobody automatically, however much they send', async () => {
    const { smtp } = await openSession(mta.smtpPort, 'bulk.example', '127.0.0.9');
    for (let i = 0; i < 70; i++) {
      expect(await smtp.command('MAIL FROM:<bulk@flood.example>')).toBe('250 2.1.0 Accepted');
      expect(await smtp.command('RSET')).toBe('250 2.0.0 Flushed');
    }
    smtp.close();
    const { json } = await mta.api('GET', '/api/blocklist');
    expect(json.entries.filter((e: { created_by: string }) => e.created_by === 'auto')).toEqual([]);
  });
});

describe('MTA_RECIPIENT_VERIFICATION=off', () => {
  it('accepts mail for a mailbox that does not exist and bounces it to a local sender with a DSN', async () => {
    expect(await send(`info@${DEMO}`, `ghost@${DEMO}`, '127.0.0.10', 'to a ghost')).toMatch(/^250 2\.0\.0 Ok: queued as /);
    const dsn = await waitFor('the bounce in info@', () => readMailbox(mta.dataDir, `info@${DEMO}`).find((m) => m.includes('Undelivered Mail Returned to Sender')));
    expect(dsn).toContain(`Final-Recipient: rfc822; ghost@${DEMO}`);
    expect(dsn).toContain('Status: 5.1.1');
  });

  it('drops the bounce, with a log line, when the sender is not a mailbox of a hosted domain', async () => {
    const reply = await send(`nobody@${DEMO}`, `ghost@${DEMO}`, '127.0.0.10', 'from nobody');
    const id = /queued as (\S+)/.exec(reply)![1]!;
    await waitFor('the drop in the log', () => mta.output().includes(`${id}: sender non-delivery notification not sent: <nobody@${DEMO}> is not a mailbox here`));
  });

  it('tries a bounce to another domain once without a smarthost, then drops it, so nothing stays queued', async () => {
    // The 2014 flood: forged senders at domains that do not exist.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await send(`promo${i}@forged${i}.invalid`, `nobody${i}@${DEMO}`, '127.0.0.11', `dictionary ${i}`);
      expect(reply).toMatch(/^250 2\.0\.0 Ok: queued as /);
      ids.push(/queued as (\S+)/.exec(reply)![1]!);
    }
    const dropped = () => [...mta.output().matchAll(/: to=<(promo\d@forged\d\.invalid)> status=bounced \(non-delivery notification dropped after one attempt, not retried without SMTP_RELAY_URL /g)].map((m) => m[1]);
    await waitFor('every bounce dropped', () => dropped().length === 5, 30_000);
    expect(dropped().sort()).toEqual([0, 1, 2, 3, 4].map((i) => `promo${i}@forged${i}.invalid`));
    for (const id of ids) expect(mta.output()).toContain(`${id}: sender non-delivery notification: `);
    await waitFor('an empty queue', async () => (await mta.api('GET', '/api/queue')).json.depth === 0, 30_000);
    expect((await fetch(`http://127.0.0.1:${mta.httpPort}/healthz`)).status).toBe(200);
  });
});
