import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { lifetimeExpired, nextRetryDelayMs } from './backoff.js';
import { buildBounce } from './dsn.js';

describe('bounces', () => {
  it('are RFC 3464 multipart/report messages a mail client can read', async () => {
    const raw = buildBounce({
      hostname: 'mx.tayori.test',
      queueId: 'Q123',
      sender: 'alice@example.org',
      arrivalDate: new Date('2026-01-01T00:00:00Z'),
      failed: [{ address: 'ghost@demo.tayori.test', status: '5.1.1', diagnostic: '550 5.1.1 <ghost@demo.tayori.test>: User unknown' }],
      originalHeaders: 'Subject: hello\r\nMessage-ID: <m1@example.org>',
      now: new Date('2026-01-01T00:00:05Z'),
    });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect((parsed.headers.get('content-type') as { value: string; params: Record<string, string> }).value).toBe('multipart/report');
    expect((parsed.headers.get('content-type') as { params: Record<string, string> }).params['report-type']).toBe('delivery-status');
    expect(parsed.text).toContain('<ghost@demo.tayori.test>: 550 5.1.1');
    const text = raw.toString();
    expect(text).toContain('Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.tayori.test\r\n');
    expect(text).toContain('Final-Recipient: rfc822; ghost@demo.tayori.test\r\nOriginal-Recipient: rfc822; ghost@demo.tayori.test\r\nAction: failed\r\nStatus: 5.1.1\r\n');
    expect(text).toContain('Content-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nMessage-ID: <m1@example.org>\r\n');
  });
});

describe('backoff', () => {
  const s = { backoffMinMs: 300_000, backoffMaxMs: 4_000_000, maxQueueLifetimeMs: 5 * 86_400_000 };
  it('doubles from the minimum up to the maximum, then the message expires', () => {
    expect([1, 2, 3, 4, 5, 10].map((a) => nextRetryDelayMs(a, s))).toEqual([300_000, 600_000, 1_200_000, 2_400_000, 4_000_000, 4_000_000]);
    expect(lifetimeExpired(0, 5 * 86_400_000 - 1, s)).toBe(false);
    expect(lifetimeExpired(0, 5 * 86_400_000, s)).toBe(true);
  });
});
