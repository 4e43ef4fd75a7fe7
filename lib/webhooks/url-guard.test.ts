import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, guardedLookup, isPublicAddress } from './url-guard';

describe('webhook URL guard', () => {
  it('accepts public http(s) URLs', () => {
    expect(checkWebhookUrl('https://hooks.example.com/tayori').ok).toBe(true);
    expect(checkWebhookUrl('http://203.0.113.9:8080/x').ok).toBe(false); // TEST-NET-3 is reserved
    expect(checkWebhookUrl('https://93.184.216.34/x').ok).toBe(true);
  });

  it('refuses other schemes, credentials and private, loopback and link-local targets', () => {
    expect(checkWebhookUrl('ftp://example.com/')).toEqual({ ok: false, error: 'not_http' });
    expect(checkWebhookUrl('javascript:alert(1)')).toEqual({ ok: false, error: 'not_http' });
    expect(checkWebhookUrl('not a url')).toEqual({ ok: false, error: 'invalid_url' });
    expect(checkWebhookUrl('https://user:pw@example.com/')).toEqual({ ok: false, error: 'credentials' });
    for (const host of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '172.16.5.5', '169.254.169.254', '[::1]', '[fe80::1]', '[fd00::1]', '[::ffff:127.0.0.1]', '0.0.0.0', 'localhost']) {
      expect(checkWebhookUrl(`http://${host}/hook`), host).toEqual({ ok: false, error: 'forbidden_address' });
    }
  });

  it('allows loopback only when told to', () => {
    expect(isPublicAddress('127.0.0.1', false)).toBe(false);
    expect(isPublicAddress('127.0.0.1', true)).toBe(true);
    expect(isPublicAddress('10.0.0.1', true)).toBe(false);
  });

  it('refuses at connect time when a name resolves to a loopback address', async () => {
    const error = await new Promise<Error | null>((resolve) => guardedLookup(false)('localhost', {}, (e) => resolve(e)));
    expect(error?.message).toMatch(/not a public address/);
  });
});
