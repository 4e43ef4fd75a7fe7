import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedSite, startSite, type RunningSite } from '../../support/site';

// The security headers every answer carries, read the way a browser reads them. The policy must
// keep the site's own scripts, styles, images and forms working (tests/e2e/security-csp.test.ts
// loads the pages under it in Chromium) while refusing anything from elsewhere. HSTS is only sent
// when the site is reached over https (SITE_URL), so a plain-http installation never locks itself out.
let site: RunningSite;
let httpsSite: RunningSite;

beforeAll(async () => {
  site = await startSite({ RULE_TICK_SECONDS: '300' });
  httpsSite = await startSite({ ...isolatedSite('headers-https'), SITE_URL: 'https://status.example.test', RULE_TICK_SECONDS: '300' });
});
afterAll(async () => {
  await site?.stop();
  await httpsSite?.stop();
});

const PAGES = ['/', '/en', '/components/mail-inbound', '/incidents/2014-12-02-mail-delay', '/history', '/en/history', '/subscribe', '/subscribe/confirm?token=x', '/subscriptions/manage?token=x', '/unsubscribe?token=x', '/admin/sign-in'];
const OTHER = ['/history.rss', '/badge.svg', '/embed.js', '/api/v2/summary.json', '/no-such-page'];

/** A Content-Security-Policy header as directive → source list (CSP 3 §2.2.1). */
function parsePolicy(header: string | null): Map<string, string[]> {
  const policy = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !policy.has(name.toLowerCase())) policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

/** The sources that govern a fetch of this kind: its own directive, else default-src. */
const sourcesFor = (policy: Map<string, string[]>, directive: string) => policy.get(directive) ?? policy.get('default-src');

async function headersOf(base: RunningSite, path: string): Promise<Headers> {
  const res = await fetch(`${base.url}${path}`, { redirect: 'manual' });
  await res.arrayBuffer();
  expect(res.status, path).toBeLessThan(500);
  return res.headers;
}

describe('Content-Security-Policy', () => {
  it('lets pages load scripts, styles, images and connections from the site only, and forms post only to it', async () => {
    for (const path of PAGES) {
      const policy = parsePolicy((await headersOf(site, path)).get('content-security-policy'));
      expect(policy.get('default-src'), path).toEqual(["'self'"]);
      const scripts = sourcesFor(policy, 'script-src')!;
      expect(scripts, path).toContain("'self'");
      // No other host, no scheme-wide source, and no eval in production.
      expect(scripts.filter((s) => !s.startsWith("'")), path).toEqual([]);
      expect(scripts, path).not.toContain("'unsafe-eval'");
      expect(sourcesFor(policy, 'img-src'), path).toEqual(["'self'", 'data:']);
      expect(sourcesFor(policy, 'connect-src'), path).toEqual(["'self'"]);
      expect(sourcesFor(policy, 'style-src'), path).toEqual(["'self'"]);
      expect(sourcesFor(policy, 'font-src'), path).toEqual(["'self'"]);
      expect(policy.get('object-src'), path).toEqual(["'none'"]);
      expect(policy.get('base-uri'), path).toEqual(["'self'"]);
      expect(policy.get('form-action'), path).toEqual(["'self'"]);
      // The widget is embedded as a script, never as a frame: no site may frame these pages.
      expect(policy.get('frame-ancestors'), path).toEqual(["'none'"]);
    }
  });

  it('is on every other answer too: feeds, badge, widget, API and the not-found page', async () => {
    for (const path of OTHER) {
      const policy = parsePolicy((await headersOf(site, path)).get('content-security-policy'));
      expect(policy.get('object-src'), path).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors'), path).toEqual(["'none'"]);
    }
  });
});

describe('Permissions-Policy', () => {
  it('turns off the device features a status page never uses', async () => {
    for (const path of [...PAGES, ...OTHER]) {
      const features = new Map(
        ((await headersOf(site, path)).get('permissions-policy') ?? '')
          .split(',')
          .map((entry) => entry.trim().split('='))
          .map(([name, allow]) => [name, allow] as const),
      );
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(features.get(feature), `${path} ${feature}`).toBe('()');
    }
  });
});

describe('Strict-Transport-Security', () => {
  it('is not sent while SITE_URL is http', async () => {
    for (const path of PAGES) expect((await headersOf(site, path)).get('strict-transport-security'), path).toBeNull();
  });

  it('is sent on every page, for at least a year, once SITE_URL is https', async () => {
    for (const path of PAGES) {
      const hsts = (await headersOf(httpsSite, path)).get('strict-transport-security') ?? '';
      const maxAge = Number(/(?:^|;)\s*max-age=(\d+)/i.exec(hsts)?.[1] ?? 0);
      expect(maxAge, `${path}: ${hsts}`).toBeGreaterThanOrEqual(365 * 24 * 3600);
    }
    // The https site still says the same policy.
    expect(parsePolicy((await headersOf(httpsSite, '/')).get('content-security-policy')).get('object-src')).toEqual(["'none'"]);
  });
});
