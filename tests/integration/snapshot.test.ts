import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SNAPSHOT_HEADER, SNAPSHOT_URLS } from '../../scripts/lib/snapshot.mjs';
import { withDatabase } from '../support/database';
import { makeRollup } from '../support/rollups';
import { isolatedSite, startSite, type RunningSite } from '../support/site';
import { staffCli } from '../support/staff';
import { PASSWORD, postForm, signIn } from './security/client';

// The site server answers the hottest public URLs from copies of Next.js's answers kept in memory
// (scripts/lib/snapshot.mjs). A visitor must not be able to tell, except by speed: the same
// headers and bytes as Next.js, the same validators, the new status within seconds of a change,
// and anything signed in or not kept answered by Next.js itself. Over https, so that HSTS is part
// of what must be identical.
const SITE_URL = 'https://status.example.test';
const token = inject('ingestToken');
let site: RunningSite;
let databaseUrl: string;

beforeAll(async () => {
  const isolated = isolatedSite('snapshot');
  databaseUrl = isolated.DATABASE_URL;
  // Only the changes made below may move a status: no "no data" while the test runs.
  await withDatabase(databaseUrl, (db) => db.componentMetricRule.updateMany({ data: { noDataAfterS: 3600 } }));
  // A tick every 2 s: how a change made by another process reaches this one.
  site = await startSite({ ...isolated, SITE_URL, RULE_TICK_SECONDS: '2' });
});
afterAll(async () => {
  await site?.stop();
});

interface Answer {
  status: number;
  /** [lower-case name, value], in the order they were sent. */
  headers: [string, string][];
  header: (name: string) => string | undefined;
  /** Decompressed. */
  body: Buffer;
  encoding: string | undefined;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${site.url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        resolve({
          status: res.statusCode!,
          headers: pairs,
          header: (name) => pairs.find(([n]) => n === name)?.[1],
          body: encoding === 'gzip' ? gunzipSync(raw) : raw,
          encoding,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const fromMemory = (answer: Answer) => answer.header(SNAPSHOT_HEADER) !== undefined;
/** A cookie that sends the request to Next.js (a console session cookie, signed in or not). */
const TO_NEXT = { cookie: 'tayori_session=not-signed-in' };
/** What node:http writes per answer, and what says where the answer came from. */
const PER_ANSWER = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'x-nextjs-cache', SNAPSHOT_HEADER]);

function comparable(answer: Answer, nextHasEtag: boolean): string[] {
  const lines = answer.headers.filter(([n]) => !PER_ANSWER.has(n) && (nextHasEtag || n !== 'etag')).map(([n, v]) => `${n}: ${v}`);
  // Next.js repeats a header now and then (x-nextjs-prerender); the set and order are what count.
  return lines.filter((line, i) => lines.indexOf(line) === i);
}

async function pollUntil<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<{ value: T; waited: number }> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() - started > ms) return { value, waited: Date.now() - started };
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('answers from memory', () => {
  it('give every kept URL with Next.js’s own headers and bytes, security headers included', async () => {
    expect(SNAPSHOT_URLS).toEqual(expect.arrayContaining(['/', '/en', '/api/v2/summary.json', '/api/v2/status.json', '/api/v2/components.json', '/api/v2/incidents/unresolved.json', '/history.rss', '/history.atom', '/badge.svg', '/embed.js']));
    for (const url of SNAPSHOT_URLS) {
      for (const encoding of ['gzip, deflate, br', '']) {
        // Next.js may be regenerating a page between the two requests; the copy follows within seconds.
        let attempt = 0;
        for (;;) {
          const copy = await get(url, { 'accept-encoding': encoding });
          const next = await get(url, { 'accept-encoding': encoding, ...TO_NEXT });
          expect(fromMemory(copy), url).toBe(true);
          expect(fromMemory(next), url).toBe(false);
          if (!copy.body.equals(next.body) && attempt++ < 3) {
            await new Promise((r) => setTimeout(r, 2500));
            continue;
          }
          const label = `${url} (Accept-Encoding: ${encoding})`;
          expect(copy.status, label).toBe(next.status);
          expect(copy.body.equals(next.body), label).toBe(true);
          expect(copy.encoding, label).toBe(next.encoding);
          expect(comparable(copy, next.header('etag') !== undefined), label).toEqual(comparable(next, next.header('etag') !== undefined));
          break;
        }
      }
    }
  });

  it('carry the Content-Security-Policy, HSTS and the other security headers on the status page', async () => {
    for (const url of ['/', '/en']) {
      const copy = await get(url);
      expect(fromMemory(copy)).toBe(true);
      expect(copy.header('content-security-policy')).toContain("default-src 'self'");
      expect(copy.header('permissions-policy')).toContain('camera=()');
      expect(copy.header('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(copy.header('x-frame-options')).toBe('DENY');
      expect(copy.header('x-content-type-options')).toBe('nosniff');
      expect(copy.header('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(copy.header('cache-control')).toBe('s-maxage=30, stale-while-revalidate=60');
      expect(copy.header('vary')).toContain('Accept-Encoding');
    }
  });

  it('carry an ETag, and answer If-None-Match with 304 and no body', async () => {
    for (const url of SNAPSHOT_URLS) {
      const first = await get(url, { 'accept-encoding': 'gzip' });
      const etag = first.header('etag');
      expect(etag, url).toMatch(/^(W\/)?"[^"]+"$/);
      const opaque = etag!.replace(/^W\//, '');
      // If-None-Match compares weakly: the tag with or without W/ matches.
      for (const tag of [etag!, opaque, `W/${opaque}`]) {
        const again = await get(url, { 'if-none-match': tag, 'accept-encoding': 'gzip' });
        if (again.header('etag') !== etag) continue; // replaced in between: a new copy, a new tag
        expect(again.status, url).toBe(304);
        expect(again.body.length, url).toBe(0);
        expect(again.header('cache-control'), url).toBe(first.header('cache-control'));
        expect(again.header('content-security-policy'), url).toBe(first.header('content-security-policy'));
      }
      expect((await get(url, { 'if-none-match': '"something-else"' })).status, url).toBe(200);
    }
  });

  it('give the build’s scripts and style sheets from memory once a visitor asked for them', async () => {
    const html = (await get('/')).body.toString();
    const files = [...new Set([...html.matchAll(/(?:href|src)="(\/_next\/static\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]))];
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const first = await get(file, { 'accept-encoding': 'gzip' });
      expect(first.status, file).toBe(200);
      const { value } = await pollUntil(() => get(file, { 'accept-encoding': 'gzip' }), fromMemory, 5000);
      expect(fromMemory(value), file).toBe(true);
      const next = await get(file, { 'accept-encoding': 'gzip', ...TO_NEXT });
      expect(fromMemory(next), file).toBe(false);
      expect(value.body.equals(next.body), file).toBe(true);
      expect(value.encoding, file).toBe(next.encoding);
      expect(comparable(value, true), file).toEqual(comparable(next, true));
    }
  });

  it('answer HEAD with the headers alone', async () => {
    const head = await get('/', {}, 'HEAD');
    const full = await get('/');
    expect(fromMemory(head)).toBe(true);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.header('content-length')).toBe(String(full.body.length));
  });
});

describe('what Next.js still answers', () => {
  it('other query strings, other pages and client navigations, with their own content', async () => {
    const cases: [string, Record<string, string>, (answer: Answer) => boolean][] = [
      ['/?utm_source=newsletter', {}, (a) => a.status === 200 && a.body.includes('<html lang="ja"')],
      ['/history.rss?component=mail-inbound', {}, (a) => a.status === 200 && a.body.includes('<rss')],
      ['/badge.svg?component=mail-inbound', {}, (a) => a.status === 200 && a.body.includes('<svg')],
      ['/incidents/2014-12-02-mail-delay', {}, (a) => a.status === 200 && a.body.includes('メールの損失について')],
      ['/history', {}, (a) => a.status === 200 && a.body.includes('2014')],
      // A client-side navigation asks for the React Server Components payload, never the HTML
      // (Next.js answers one without its cache-busting `_rsc` parameter with a redirect to it).
      ['/', { rsc: '1' }, (a) => a.status < 500 && !a.body.includes('<html')],
    ];
    for (const [url, headers, looksRight] of cases) {
      const answer = await get(url, headers);
      expect(fromMemory(answer), url).toBe(false);
      expect(looksRight(answer), `${url} ${JSON.stringify(headers)}: ${answer.status}`).toBe(true);
    }
  });

  it('a signed-in console page, each member of staff their own, never a copy', async () => {
    const cookies: Record<string, string> = {};
    for (const email of ['snapshot-admin@example.test', 'snapshot-editor@example.test']) {
      const { link, output } = staffCli(databaseUrl, site.url, 'add', email, '--role', email.includes('admin') ? 'admin' : 'editor');
      expect(link, output).toBeTruthy();
      // Forms are accepted from SITE_URL's origin, as a browser reaching it through a TLS proxy posts them.
      const browser = { origin: SITE_URL, host: new URL(SITE_URL).host };
      expect((await postForm(link!, [['password', PASSWORD]], { headers: browser })).status).toBe(303);
      const { cookie } = await signIn(site.url, email, PASSWORD, { headers: browser });
      expect(cookie).toBeTruthy();
      cookies[email] = cookie!;
    }
    for (const [email, cookie] of Object.entries(cookies)) {
      for (const url of ['/admin', '/admin/incidents']) {
        const page = await get(url, { cookie: `theme=dark; ${cookie}` });
        expect(page.status, url).toBe(200);
        expect(fromMemory(page), url).toBe(false);
        const html = page.body.toString();
        expect(html, url).toContain(email);
        for (const other of Object.keys(cookies).filter((e) => e !== email)) expect(html, url).not.toContain(other);
      }
      // Signed in, the status page comes from Next.js too: the same public page.
      const status = await get('/', { cookie });
      expect(fromMemory(status)).toBe(false);
      expect(status.body.toString()).toContain('<html lang="ja"');
    }
    // Signed out, the console asks to sign in.
    const anonymous = await get('/admin');
    expect(fromMemory(anonymous)).toBe(false);
    expect([303, 307, 308]).toContain(anonymous.status);
    expect(anonymous.header('location')).toContain('/admin/sign-in');
  });
});

describe('replaced on change', () => {
  const WINDOW = 10_000;
  let cursor = Math.floor((Date.now() - 5 * 60_000) / WINDOW) * WINDOW;

  it('shows an incident opened by measured delay on every kept URL within seconds, from memory', async () => {
    const before = await get('/en');
    expect(fromMemory(before)).toBe(true);
    expect(before.body.toString()).toMatch(/data-indicator="none"/);
    const entries = (feed: string) => (feed.match(/<entry>/g) ?? []).length;
    const entriesBefore = entries((await get('/en/history.atom')).body.toString());

    // Three 12-minute windows: the rule degrades mail reception and opens a published incident.
    const rollups = Array.from({ length: 3 }, () => makeRollup('mx-snapshot', new Date((cursor += WINDOW)), Array(20).fill(12 * 60)));
    const res = await fetch(`${site.url}/api/ingest/mail-metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rollups }),
    });
    expect(res.status).toBe(200);
    // The change, as committed by whichever process judges the rules: from here the clock runs.
    const committed = await pollUntil(
      () => withDatabase(databaseUrl, (db) => db.component.findUniqueOrThrow({ where: { slug: 'mail-inbound' } })),
      (c) => c.status === 'degraded_performance',
      30_000,
    );
    expect(committed.value.status).toBe('degraded_performance');
    const changed = Date.now();

    const shows: [string, (body: string) => boolean][] = [
      ['/', (b) => /data-indicator="minor"/.test(b) && /data-component="mail-inbound" data-status="degraded_performance"/.test(b)],
      ['/en', (b) => /data-indicator="minor"/.test(b)],
      ['/api/v2/summary.json', (b) => JSON.parse(b).incidents.length === 1],
      ['/api/v2/status.json?lang=en', (b) => JSON.parse(b).status.indicator === 'minor'],
      ['/api/v2/components.json', (b) => JSON.parse(b).components.some((c: { status: string }) => c.status === 'degraded_performance')],
      ['/api/v2/incidents/unresolved.json?lang=en', (b) => JSON.parse(b).incidents.length === 1],
      ['/en/history.atom', (b) => entries(b) === entriesBefore + 1 && b.includes('Mail reception')],
      ['/badge.svg?lang=en', (b) => b.includes('Partially Degraded Service')],
    ];
    for (const [url, ok] of shows) {
      const { value } = await pollUntil(() => get(url), (a) => ok(a.body.toString()), 15_000);
      expect(ok(value.body.toString()), url).toBe(true);
      expect(fromMemory(value), url).toBe(true);
      expect(Date.parse(value.header(SNAPSHOT_HEADER)!), url).toBeGreaterThanOrEqual(changed - 3000);
      // At the site's next tick (2 s here) every copy is fetched again: a few seconds in all.
      expect(Date.now() - changed, url).toBeLessThan(8000);
    }

    // The incident's own page, which the notices link to, is kept too while it is open, in both
    // languages; the 2014 report's page is not (see above).
    const { incidents } = JSON.parse((await get('/api/v2/incidents/unresolved.json?lang=en')).body.toString());
    const path = new URL(incidents[0].shortlink).pathname;
    expect(path).toMatch(/^\/en\/incidents\/[\w-]+$/);
    for (const page of [path, path.replace(/^\/en/, '')]) {
      const { value } = await pollUntil(() => get(page), fromMemory, 10_000);
      expect(fromMemory(value), page).toBe(true);
      expect(value.status, page).toBe(200);
      expect(value.body.toString(), page).toContain(page.startsWith('/en') ? incidents[0].name : 'メール受信の遅延');
    }
  });

  it('shows a change made by another process (another instance, a worker) after the next rule tick', async () => {
    const vpsDown = /data-component="vps" data-status="major_outage"/;
    const before = await get('/en');
    expect(before.body.toString()).not.toMatch(vpsDown);
    // Written straight into the database, as another site instance would.
    await withDatabase(databaseUrl, (db) => db.component.update({ where: { slug: 'vps' }, data: { status: 'major_outage' } }));
    const { value, waited } = await pollUntil(() => get('/en'), (a) => vpsDown.test(a.body.toString()), 15_000);
    expect(value.body.toString()).toMatch(vpsDown);
    expect(fromMemory(value)).toBe(true);
    // One tick (2 s) and a render.
    expect(waited).toBeLessThan(10_000);
    const { components } = JSON.parse((await get('/api/v2/components.json?lang=en')).body.toString());
    expect(components.find((c: { name: string }) => c.name === 'VPS').status).toBe('major_outage');
  });
});
