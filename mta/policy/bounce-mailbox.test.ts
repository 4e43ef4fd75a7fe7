import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { RecipientPolicy } from './recipient-policy.js';

describe('the notice worker’s bounce mailbox', () => {
  const domains = [{ name: 'demo.tayori.test', verify_recipients: true, mailboxes: ['info'] }];

  it('takes bounces and bounces+… at the notices’ domain from anyone, and nothing else there', () => {
    const p = new RecipientPolicy(true, 'status.example.com');
    p.load(domains);
    // A remote server returning a report is an outside client that may not relay.
    expect(p.decide('bounces+ckabc123.0123456789abcdef@Status.Example.COM', false)).toEqual({ action: 'accept-local', domain: 'status.example.com', localPart: 'bounces' });
    expect(p.decide('BOUNCES@status.example.com', false)).toEqual({ action: 'accept-local', domain: 'status.example.com', localPart: 'bounces' });
    expect(p.mailboxExists('status.example.com', 'bounces+anything')).toBe(true);
    expect(p.bounceMailbox('status.example.com', 'bounces+x')).toBe('bounces');
    // The rest of the domain is not hosted here: relayed for the site, refused to others.
    expect(p.decide('status@status.example.com', false)).toEqual({ action: 'reject-relay' });
    expect(p.decide('bouncesx@status.example.com', true)).toEqual({ action: 'accept-relay', domain: 'status.example.com' });
    expect(p.decide('bounces+x@other.example', false)).toEqual({ action: 'reject-relay' });
    expect(p.bounceMailbox('other.example', 'bounces')).toBeNull();
    // Hosted mailboxes are unchanged.
    expect(p.decide('info@demo.tayori.test', false)).toMatchObject({ action: 'accept-local', localPart: 'info' });
    expect(p.decide('info+tag@demo.tayori.test', false)).toEqual({ action: 'reject-unknown-user' });
  });

  it('is at the domain the site sends notices from: NOTICE_FROM_ADDRESS, else SITE_URL’s host, else localhost', () => {
    expect(loadConfig({}).notices.bounceDomain).toBe('localhost');
    expect(loadConfig({ SITE_URL: 'https://status.example.com/' }).notices.bounceDomain).toBe('status.example.com');
    expect(loadConfig({ SITE_URL: 'https://status.example.com', NOTICE_FROM_ADDRESS: 'noreply@Mail.Example.jp' }).notices.bounceDomain).toBe('mail.example.jp');
    expect(loadConfig({ SITE_URL: 'http://192.0.2.10:3000' }).notices.bounceDomain).toBe('localhost');
  });
});
