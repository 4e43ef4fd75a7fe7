import { describe, expect, it } from 'vitest';
import { Blocklist, normalizeBlocklistValue } from './blocklist.js';
import { ClientLimits } from './client-limits.js';
import { NetworkList } from './ip-ranges.js';
import { RecipientPolicy } from './recipient-policy.js';

const entry = (id: number, kind: 'client' | 'sender_domain' | 'helo', value: string, expires_at: string | null = null) => ({ id, kind, value, reason: null, created_at: '', created_by: 'test', expires_at });

describe('blocklist', () => {
  it('normalises values and refuses nonsense', () => {
    expect(normalizeBlocklistValue('client', '192.0.2.7')).toEqual({ value: '192.0.2.7' });
    expect(normalizeBlocklistValue('client', '2001:DB8::/32')).toEqual({ value: '2001:db8::/32' });
    expect(normalizeBlocklistValue('sender_domain', '@Spam.Example.')).toEqual({ value: 'spam.example' });
    expect(normalizeBlocklistValue('client', '192.0.2.0/33')).toHaveProperty('error');
    expect(normalizeBlocklistValue('helo', 'no spaces allowed')).toHaveProperty('error');
  });

  it('matches IPs in ranges (IPv4, IPv6, IPv4-mapped), domains and their subdomains', () => {
    const b = new Blocklist();
    b.load([entry(1, 'client', '198.51.100.0/24'), entry(2, 'client', '2001:db8::/32'), entry(3, 'sender_domain', 'spam.example'), entry(4, 'helo', 'bot.example')]);
    expect(b.matchClient('198.51.100.77')?.id).toBe(1);
    expect(b.matchClient('::ffff:198.51.100.77')?.id).toBe(1);
    expect(b.matchClient('2001:db8:1::5')?.id).toBe(2);
    expect(b.matchClient('198.51.101.1')).toBeUndefined();
    expect(b.matchSenderDomain('MX.Spam.Example')?.id).toBe(3);
    expect(b.matchSenderDomain('notspam.example')).toBeUndefined();
    expect(b.matchHelo('a.bot.example.')?.id).toBe(4);
  });

  it('matches single addresses in any spelling of the client address', () => {
    const b = new Blocklist();
    b.load([entry(1, 'client', '192.0.2.7'), entry(2, 'client', '2001:db8::7')]);
    expect(b.matchClient('192.0.2.7')?.id).toBe(1);
    expect(b.matchClient('::ffff:192.0.2.7')?.id).toBe(1);
    expect(b.matchClient('2001:0db8:0000::0007')?.id).toBe(2);
    expect(b.matchClient('192.0.2.8')).toBeUndefined();
  });

  it('ignores an entry from the moment it expires, before any sweep', () => {
    const b = new Blocklist();
    const expiry = Date.parse('2014-12-02T03:00:00.000Z');
    b.load([entry(1, 'client', '192.0.2.7', new Date(expiry).toISOString()), entry(2, 'client', '198.51.100.0/24', new Date(expiry).toISOString()), entry(3, 'sender_domain', 'spam.example', new Date(expiry).toISOString())]);
    expect(b.matchClient('192.0.2.7', expiry - 1)?.id).toBe(1);
    expect(b.matchClient('192.0.2.7', expiry)).toBeUndefined();
    expect(b.matchClient('198.51.100.9', expiry - 1)?.id).toBe(2);
    expect(b.matchClient('198.51.100.9', expiry + 1)).toBeUndefined();
    expect(b.matchSenderDomain('spam.example', expiry + 1)).toBeUndefined();
  });

  it('matches nothing when switched off (MTA_BLOCKLIST=off, the 2014 setup)', () => {
    const b = new Blocklist(false);
    b.load([entry(1, 'client', '192.0.2.7'), entry(2, 'sender_domain', 'spam.example'), entry(3, 'helo', 'bot.example')]);
    expect(b.matchClient('192.0.2.7')).toBeUndefined();
    expect(b.matchSenderDomain('spam.example')).toBeUndefined();
    expect(b.matchHelo('bot.example')).toBeUndefined();
  });
});

describe('trusted networks', () => {
  it('contains loopback by default and rejects invalid entries naming the variable', () => {
    const n = new NetworkList(['127.0.0.0/8', '::1']);
    expect(n.contains('127.0.0.1')).toBe(true);
    expect(n.contains('::1')).toBe(true);
    expect(n.contains('::ffff:127.0.0.1')).toBe(true);
    expect(n.contains('192.0.2.1')).toBe(false);
    expect(() => new NetworkList(['10.0.0.0/99'])).toThrow(/MTA_TRUSTED_NETWORKS/);
  });
});

describe('recipient policy', () => {
  const domains = [
    { name: 'demo.tayori.test', verify_recipients: true, mailboxes: ['info', 'user1'] },
    { name: 'lax.tayori.test', verify_recipients: false, mailboxes: ['info'] },
  ];

  it('accepts mailboxes, rejects unknown users where verification is on, relays only for trusted clients', () => {
    const p = new RecipientPolicy(true);
    p.load(domains);
    expect(p.decide('User1@Demo.Tayori.Test', false)).toEqual({ action: 'accept-local', domain: 'demo.tayori.test', localPart: 'user1' });
    expect(p.decide('ghost@demo.tayori.test', false)).toEqual({ action: 'reject-unknown-user' });
    expect(p.decide('ghost@lax.tayori.test', false)).toMatchObject({ action: 'accept-local' });
    expect(p.decide('someone@example.com', false)).toEqual({ action: 'reject-relay' });
    expect(p.decide('someone@example.com', true)).toEqual({ action: 'accept-relay', domain: 'example.com' });
  });

  it('accepts unknown users everywhere when verification is switched off globally (the 2014 setup)', () => {
    const p = new RecipientPolicy(false);
    p.load(domains);
    expect(p.decide('ghost@demo.tayori.test', false)).toMatchObject({ action: 'accept-local' });
  });
});

describe('client limits', () => {
  it('caps concurrent connections per IP and frees slots on close', () => {
    const l = new ClientLimits(2, 0);
    expect(l.openConnection('192.0.2.1')).toBe('ok');
    expect(l.openConnection('192.0.2.1')).toBe('ok');
    expect(l.openConnection('192.0.2.1')).toBe('too-many');
    expect(l.openConnection('192.0.2.2')).toBe('ok');
    l.closeConnection('192.0.2.1');
    expect(l.openConnection('192.0.2.1')).toBe('ok');
  });

  it('caps new connections per minute per IP', () => {
    const l = new ClientLimits(0, 0, 2);
    const t = 1_000_000;
    expect([l.openConnection('a', t), l.openConnection('a', t + 1), l.openConnection('a', t + 2)]).toEqual(['ok', 'ok', 'too-fast']);
    expect(l.openConnection('b', t + 2)).toBe('ok');
    expect(l.openConnection('a', t + 60_001)).toBe('ok');
  });

  it('caps messages per minute per IP in a sliding window', () => {
    const l = new ClientLimits(0, 3);
    const t = 1_000_000;
    expect([l.allowMessage('a', t), l.allowMessage('a', t + 1), l.allowMessage('a', t + 2), l.allowMessage('a', t + 3)]).toEqual([true, true, true, false]);
    expect(l.allowMessage('b', t + 3)).toBe(true);
    expect(l.allowMessage('a', t + 60_001)).toBe(true);
  });
});

describe('SMTP AUTH passwords', () => {
  it('are stored as salted scrypt hashes and verified against them', async () => {
    const { hashPassword, verifyPassword } = await import('./credentials.js');
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('wrong horse battery', a)).toBe(false);
    expect(await verifyPassword('anything', undefined)).toBe(false);
  });
});
