import { describe, expect, it } from 'vitest';
import { mailIdentityWarnings, noticeFromAddress, noticeMailDomain } from './mail-identity';

describe('the identity notices leave with', () => {
  it('is the site’s own domain by default', () => {
    const settings = { SITE_URL: 'https://Status.Example.JP/', NOTICE_FROM_ADDRESS: undefined };
    expect(noticeFromAddress(settings)).toBe('status@status.example.jp');
    expect(noticeMailDomain(settings)).toBe('status.example.jp');
    expect(mailIdentityWarnings(settings)).toEqual([]);
  });

  it('is what NOTICE_FROM_ADDRESS says when it is set', () => {
    const settings = { SITE_URL: 'https://status.example.jp', NOTICE_FROM_ADDRESS: 'noreply@mail.example.jp' };
    expect(noticeFromAddress(settings)).toBe('noreply@mail.example.jp');
    expect(noticeMailDomain(settings)).toBe('mail.example.jp');
  });

  it('falls back to localhost for a site on an address or localhost, and warns at start', () => {
    for (const SITE_URL of ['http://127.0.0.1:3000', 'http://[::1]:3000', 'http://localhost:3000', 'http://status.localhost']) {
      const settings = { SITE_URL, NOTICE_FROM_ADDRESS: undefined };
      expect(noticeFromAddress(settings)).toBe('status@localhost');
      expect(mailIdentityWarnings(settings)).toEqual([expect.stringContaining('receiving providers will not trust mail from "localhost"')]);
    }
  });
});
