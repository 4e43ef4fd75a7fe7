import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { siteProvider } from './site-header';

describe('whose status page it is (SITE_PROVIDER_*, SITE_SUPPORT_*)', () => {
  it('shows no provider by default', () => {
    expect(siteProvider('ja', parseEnv({}))).toEqual({ name: undefined, url: undefined, supportUrl: undefined, supportEmail: undefined });
  });

  it('names the provider in the reader’s language, or in the other one when only one is set', () => {
    const both = parseEnv({ SITE_PROVIDER_NAME_JA: '例ホスティング', SITE_PROVIDER_NAME_EN: 'Example Hosting', SITE_PROVIDER_URL: 'https://www.example.jp/' });
    expect(siteProvider('ja', both).name).toBe('例ホスティング');
    expect(siteProvider('en', both)).toMatchObject({ name: 'Example Hosting', url: 'https://www.example.jp/' });
    expect(siteProvider('en', parseEnv({ SITE_PROVIDER_NAME_JA: '例ホスティング' })).name).toBe('例ホスティング');
    expect(siteProvider('ja', parseEnv({ SITE_PROVIDER_NAME_EN: 'Example Hosting' })).name).toBe('Example Hosting');
  });

  it('refuses a provider or support page that is not https, and a support address that is not one, naming the variable', () => {
    expect(() => parseEnv({ SITE_PROVIDER_URL: 'http://www.example.jp/' })).toThrow(/SITE_PROVIDER_URL: must be an https:\/\/ URL/);
    expect(() => parseEnv({ SITE_PROVIDER_URL: 'javascript:alert(1)' })).toThrow(/SITE_PROVIDER_URL/);
    expect(() => parseEnv({ SITE_SUPPORT_URL: 'ftp://example.jp/' })).toThrow(/SITE_SUPPORT_URL/);
    expect(() => parseEnv({ SITE_SUPPORT_EMAIL: 'support at example.jp' })).toThrow(/SITE_SUPPORT_EMAIL/);
    expect(parseEnv({ SITE_SUPPORT_URL: 'https://www.example.jp/support/', SITE_SUPPORT_EMAIL: 'support@example.jp' })).toMatchObject({
      SITE_SUPPORT_URL: 'https://www.example.jp/support/',
      SITE_SUPPORT_EMAIL: 'support@example.jp',
    });
  });
});
