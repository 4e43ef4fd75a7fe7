import { describe, expect, it } from 'vitest';
import { isPlausibleAddress, normalizeLineEndings, receivedHeader } from './message-text.js';

describe('message text', () => {
  it('turns bare LF into CRLF and leaves CRLF alone', () => {
    expect(normalizeLineEndings(Buffer.from('a\nb\r\nc\n')).toString()).toBe('a\r\nb\r\nc\r\n');
    const clean = Buffer.from('a\r\nb\r\n');
    expect(normalizeLineEndings(clean)).toBe(clean);
    expect(normalizeLineEndings(Buffer.from('\n')).toString()).toBe('\r\n');
    // A CR at the end of the previous chunk pairs with an LF at the start of this one.
    expect(normalizeLineEndings(Buffer.from('\nx\n'), true).toString()).toBe('\nx\r\n');
  });

  it('accepts ordinary addresses and refuses broken ones', () => {
    for (const ok of ['a@example.org', 'first.last+tag@sub.example.co.jp', 'user@[192.0.2.1]', 'ユーザー@例え.jp']) expect(isPlausibleAddress(ok), ok).toBe(true);
    for (const bad of ['a', '@example.org', 'a@', 'a b@example.org', 'a@exa mple.org', 'a@example..org', `${'x'.repeat(65)}@example.org`, 'a<b@example.org']) expect(isPlausibleAddress(bad), bad).toBe(false);
  });

  it('writes a Postfix-style Received header', () => {
    const header = receivedHeader({ helo: 'client.example', clientHostname: '[192.0.2.1]', clientIp: '192.0.2.1', hostname: 'mx.tayori.test', protocol: 'ESMTP', queueId: 'Q1', recipients: ['u@d.test'], date: new Date('2026-01-02T03:04:05Z') });
    expect(header).toBe('Received: from client.example (unknown [192.0.2.1])\r\n\tby mx.tayori.test (Tayori) with ESMTP id Q1\r\n\tfor <u@d.test>;\r\n\tFri, 02 Jan 2026 03:04:05 +0000\r\n');
  });
});
