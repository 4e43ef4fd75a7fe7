import { describe, expect, it } from 'vitest';
import { acceptedFlow, deliveryRole, domainOf, parseNextHopRule, parseRelay } from './flows';

describe('delivery roles', () => {
  it('come from the agent: mailbox agents inbound, smtp and relay outbound, error and retry unknown', () => {
    for (const agent of ['local', 'virtual', 'lmtp', 'pipe', 'discard']) expect(deliveryRole(agent, 'none')).toBe('inbound');
    for (const agent of ['smtp', 'relay']) expect(deliveryRole(agent, 'mx.example.test[192.0.2.1]:25')).toBe('outbound');
    for (const agent of ['error', 'retry', 'virtual-custom']) expect(deliveryRole(agent, 'none')).toBeNull();
  });

  it('come from a --next-hop rule first, by name or address, with or without a port', () => {
    const rules = ['mailstore.hosted.test=inbound', '127.0.0.1:10024=filter', '[2001:db8::7]:25=inbound', '198.51.100.9=outbound'].map(parseNextHopRule);
    expect(deliveryRole('smtp', 'mailstore.hosted.test[10.0.0.5]:25', rules)).toBe('inbound');
    expect(deliveryRole('smtp', 'MailStore.Hosted.Test[10.0.0.5]:2525', rules)).toBe('inbound');
    expect(deliveryRole('smtp', '127.0.0.1[127.0.0.1]:10024', rules)).toBe('filter');
    expect(deliveryRole('smtp', '127.0.0.1[127.0.0.1]:10026', rules)).toBe('outbound'); // another port: the agent decides
    expect(deliveryRole('smtp', 'mx6.hosted.test[2001:db8::7]:25', rules)).toBe('inbound');
    expect(deliveryRole('lmtp', 'lmtp.hosted.test[198.51.100.9]:24', rules)).toBe('outbound');
    expect(deliveryRole('smtp', 'mx.elsewhere.test[192.0.2.1]:25', rules)).toBe('outbound');
  });
});

describe('parsing', () => {
  it('reads relay= as Postfix writes it', () => {
    expect(parseRelay('mx.example.test[192.0.2.1]:25')).toEqual({ name: 'mx.example.test', address: '192.0.2.1', port: 25 });
    expect(parseRelay('mx[2001:db8::1]:25')).toEqual({ name: 'mx', address: '2001:db8::1', port: 25 });
    expect(parseRelay('mail.hosted.test[private/dovecot-lmtp]')).toEqual({ name: 'mail.hosted.test', address: 'private/dovecot-lmtp', port: null });
    expect(parseRelay('local')).toEqual({ name: 'local', address: null, port: null });
  });

  it('reads --next-hop rules and refuses malformed ones', () => {
    expect(parseNextHopRule('Mailstore.Hosted.Test=inbound')).toEqual({ host: 'mailstore.hosted.test', port: null, role: 'inbound' });
    expect(parseNextHopRule('127.0.0.1:10024=filter')).toEqual({ host: '127.0.0.1', port: 10024, role: 'filter' });
    expect(parseNextHopRule('[::1]:10024=filter')).toEqual({ host: '::1', port: 10024, role: 'filter' });
    expect(parseNextHopRule('2001:db8::7=outbound')).toEqual({ host: '2001:db8::7', port: null, role: 'outbound' });
    for (const bad of ['mailstore', 'mailstore=sideways', '=inbound', 'a:99999=inbound', 'two words=inbound']) expect(() => parseNextHopRule(bad)).toThrow();
  });

  it('takes the domain of an address in lower case', () => {
    expect(domainOf('User@Example.TEST')).toBe('example.test');
    expect(domainOf('a@b@c.test')).toBe('c.test');
    expect(domainOf('root')).toBe('');
  });

  it('tells the flow a message came in as only when its acceptance line does', () => {
    expect(acceptedFlow(undefined)).toBeNull();
    for (const via of ['authenticated', 'pickup', 'cleanup'] as const) expect(acceptedFlow(via)).toBe('outbound');
  });
});
