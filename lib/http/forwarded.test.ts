import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { clientNetwork, forwardedOrigin, originOf, parseAddress, parseAddressRanges, resolveClientAddress } from './forwarded';

const none = parseAddressRanges('');
const nginxOnHost = parseAddressRanges('127.0.0.1');

describe('resolveClientAddress', () => {
  it('without trusted proxies, is the connection whatever the headers say', () => {
    expect(resolveClientAddress({ peer: '198.51.100.7', forwardedFor: '203.0.113.1', realIp: '203.0.113.2' }, none)).toBe('198.51.100.7');
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.1', realIp: null }, none)).toBe('127.0.0.1');
  });

  it('believes a trusted proxy, and nobody else', () => {
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.1', realIp: null }, nginxOnHost)).toBe('203.0.113.1');
    expect(resolveClientAddress({ peer: '198.51.100.7', forwardedFor: '203.0.113.1', realIp: null }, nginxOnHost)).toBe('198.51.100.7');
  });

  it('takes the right-most hop that is not a trusted proxy: entries left of it are the client’s own writing', () => {
    const proxies = parseAddressRanges('127.0.0.1, 10.0.0.0/8');
    // The client sent "X-Forwarded-For: 192.0.2.66"; the edge proxy (10.1.1.1) appended the real address.
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '192.0.2.66, 203.0.113.9, 10.1.1.1', realIp: null }, proxies)).toBe('203.0.113.9');
    // Garbage where a trusted proxy should have written an address: the proxy is all that is known.
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.9, not-an-address', realIp: null }, proxies)).toBe('127.0.0.1');
  });

  it('falls back to X-Real-IP, then to the proxy itself', () => {
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: null, realIp: '203.0.113.4' }, nginxOnHost)).toBe('203.0.113.4');
    // What `next start` writes when a proxy sent no X-Forwarded-For: the proxy's own address.
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '127.0.0.1', realIp: '203.0.113.4' }, nginxOnHost)).toBe('203.0.113.4');
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: null, realIp: null }, nginxOnHost)).toBe('127.0.0.1');
  });

  it('reads IPv4-mapped IPv6, ports and brackets as the address they carry; unknown without a peer', () => {
    expect(resolveClientAddress({ peer: '::ffff:127.0.0.1', forwardedFor: '[2001:db8::5]:4711', realIp: null }, nginxOnHost)).toBe('2001:db8::5');
    expect(resolveClientAddress({ peer: '::ffff:198.51.100.7', forwardedFor: null, realIp: null }, none)).toBe('198.51.100.7');
    expect(resolveClientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.1:8080', realIp: null }, nginxOnHost)).toBe('203.0.113.1');
    expect(resolveClientAddress({ peer: null, forwardedFor: '203.0.113.1', realIp: null }, nginxOnHost)).toBe('unknown');
  });
});

describe('parseAddress', () => {
  it('accepts dotted quads and IPv6, nothing else', () => {
    expect(parseAddress('203.0.113.1')).toBe('203.0.113.1');
    expect(parseAddress('fe80::1%eth0')).toBe('fe80::1');
    for (const bad of ['', 'unknown', '0x7f.1', '127.1', '2130706433', '1.2.3.4.5', 'example.com']) expect(parseAddress(bad), bad).toBeNull();
  });
});

describe('TRUSTED_PROXIES', () => {
  it('is empty by default: no proxy is believed', () => {
    expect(parseEnv({}).TRUSTED_PROXIES).toBe('');
  });

  it('takes addresses and CIDR ranges, and stops start-up naming a bad entry', () => {
    expect(parseAddressRanges('127.0.0.1,::1 10.0.0.0/8, 2001:db8::/32').map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual(['127.0.0.1/32', '::1/128', '10.0.0.0/8', '2001:db8::/32']);
    expect(parseAddressRanges('::ffff:10.0.0.0/104').map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual(['10.0.0.0/8']);
    expect(() => parseEnv({ TRUSTED_PROXIES: '127.0.0.1,nginx.internal' })).toThrow(/TRUSTED_PROXIES: "nginx.internal" is not an IP address/);
    expect(() => parseEnv({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES: "10.0.0.0\/33" has a bad prefix length/);
  });
});

describe('clientNetwork', () => {
  it('counts an IPv4 client by its address and an IPv6 client by its /64', () => {
    expect(clientNetwork('203.0.113.1')).toBe('203.0.113.1');
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe(clientNetwork('2001:db8:1:2:bbbb::2'));
    expect(clientNetwork('2001:db8:1:2::1')).not.toBe(clientNetwork('2001:db8:1:3::1'));
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});

describe('origins', () => {
  it('compares scheme, host and port', () => {
    expect(originOf('https://Status.Example.jp:443/admin')).toBe('https://status.example.jp');
    expect(originOf('http://127.0.0.1:3000')).not.toBe(originOf('https://127.0.0.1:3000'));
    expect(originOf('null')).toBeNull();
    expect(originOf('javascript:alert(1)')).toBeNull();
  });

  it('builds the origin a proxy reports, from its first entries', () => {
    expect(forwardedOrigin('https', 'status.example.jp', '127.0.0.1:3000')).toBe('https://status.example.jp');
    expect(forwardedOrigin('https, http', null, 'status.example.jp')).toBe('https://status.example.jp');
    expect(forwardedOrigin('gopher', 'status.example.jp', null)).toBeNull();
  });
});
