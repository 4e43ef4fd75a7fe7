import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ROOT, startSite, type RunningSite } from '../support/site';

const SLUG = '2014-12-02-mail-delay';
const PAGE_CACHE_CONTROL = 's-maxage=30, stale-while-revalidate=60';
const PUBLIC_CACHE_CONTROL = 'public, max-age=0, s-maxage=30, stale-while-revalidate=60';
let site: RunningSite;
const queryLog = path.join(inject('siteDataDir'), 'queries.log');

beforeAll(async () => {
  writeFileSync(queryLog, '');
  // The rule tick queries the database on its own; keep it out of the per-visitor count.
  site = await startSite({ TAYORI_QUERY_LOG: queryLog, RULE_TICK_SECONDS: '300' });
});
afterAll(async () => {
  await site?.stop();
});

async function get(p: string, init?: RequestInit) {
  const res = await fetch(`${site.url}${p}`, { redirect: 'manual', ...init });
  return { res, html: await res.text() };
}

interface CrowdResult {
  rps: number;
  p99Ms: number;
  errors: number;
}

/** `connections` clients loading `url` for `seconds`, from a process of their own (autocannon). */
function crowd(url: string, connections: number, seconds: number): Promise<CrowdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      const r = JSON.parse(out);
      resolve({ rps: r.requests.average, p99Ms: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx });
    });
  });
}

describe('status page /', () => {
  it('shows the overall banner and every component group in Japanese', async () => {
    const { res, html } = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<html lang="ja"');
    expect(html).toMatch(/data-indicator="none"[\s\S]*全サービス正常/);
    for (const name of ['メール受信', 'メール送信', 'SPAMチェック', 'ウイルスチェック', '共用サーバー', '専用サーバー', 'VPS']) {
      expect(html).toContain(name);
    }
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toContain('<main id="main"');
  });

  it('is served from the cache with a CDN-friendly Cache-Control', async () => {
    const { res } = await get('/');
    // revalidate = 30 and expireTime = 90 (next.config.js): a CDN may keep the page 30 s and hand
    // out that copy for 60 s more while it fetches a new one, never for a year.
    expect(res.headers.get('cache-control')).toBe(PAGE_CACHE_CONTROL);
    expect(res.headers.get('x-nextjs-cache')).toMatch(/HIT|STALE/);
  });

  it('costs no database query per visitor', async () => {
    // Pages older than 30 s are regenerated once, in the background, by the first request after
    // that: warm every page used below, let the regeneration finish, then count.
    for (const p of ['/', '/en', `/incidents/${SLUG}`, '/history']) await get(p);
    await new Promise((r) => setTimeout(r, 3000));
    for (const p of ['/', '/en', `/incidents/${SLUG}`, '/history']) await get(p);
    const before = readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).length;
    for (let i = 0; i < 25; i++) {
      const { res } = await get(i % 2 ? '/' : '/en');
      expect(res.status).toBe(200);
    }
    await get(`/incidents/${SLUG}`);
    await get('/history');
    const after = readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).length;
    expect(after - before).toBe(0);
    // The counter is live: a page rendered on demand does reach the database. An incident slug
    // no build or earlier request has seen cannot come from any cache.
    await get(`/en/incidents/never-seen-${Date.now()}`);
    const onDemand = readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).length;
    expect(onDemand).toBeGreaterThan(after);
  });

  it('holds a crowd: 200 connections get every answer, from memory, far sooner than Next.js alone gives them', async () => {
    // The same page twice: as everyone asks for it (the snapshot in front of Next.js), and with a
    // query string the snapshot does not keep (Next.js's handler, from its page cache).
    const fromMemory = await crowd(`${site.url}/`, 200, 4);
    const nextAlone = await crowd(`${site.url}/?via=next`, 200, 4);
    expect(fromMemory.errors).toBe(0);
    expect(fromMemory.rps).toBeGreaterThan(3 * nextAlone.rps);
    expect(fromMemory.p99Ms).toBeLessThan(nextAlone.p99Ms);
  });

  it('lists the 2014 incident in the English history with an English title', async () => {
    const { html } = await get('/en/history');
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('December 2014');
    expect(html).toContain('Report and apology for the mail reception delays');
    expect(html).toContain(`href="/en/incidents/${SLUG}"`);
  });

  it('offers the other language with a link to the same page', async () => {
    const ja = await get(`/incidents/${SLUG}`);
    expect(ja.html).toContain(`href="/en/incidents/${SLUG}"`);
    const en = await get(`/en/incidents/${SLUG}`);
    expect(en.html).toContain(`href="/incidents/${SLUG}"`);
  });
});

describe('incident report page', () => {
  it('renders the 2014 report with summary, timeline, the six sections, loss statement and contact', async () => {
    const { res, html } = await get(`/incidents/${SLUG}`);
    expect(res.status).toBe(200);
    expect(html).toContain('12月2日、3日、4日に発生したメール受信遅延の報告とお詫び');
    expect(html).toContain('<time dateTime="2014-12-02T11:00:00+09:00">2014年12月2日(火) 11:00</time>');
    expect(html).toContain('1時間30分');
    const sections = ['1. 発生日時', '2. 事象', '3. 原因', '4. 影響範囲', '5. 対処', '6. 今後の対策'];
    let last = -1;
    for (const s of sections) {
      const at = html.indexOf(`>${s}</h2>`);
      expect(at, s).toBeGreaterThan(last);
      last = at;
    }
    expect(html).toContain('メールの損失について');
    expect(html).toContain('0120-577-399');
    expect(html).toContain('2015年1月');
    expect(html).toMatch(/<meta property="og:title" content="12月2日、3日、4日/);
  });

  it('renders the English translation', async () => {
    const { html } = await get(`/en/incidents/${SLUG}`);
    for (const s of ['1. When it happened', '2. What happened', '3. Cause', '4. Scope', '5. What we did', '6. Countermeasures']) {
      expect(html).toContain(`>${s}</h2>`);
    }
    expect(html).toContain('Tue, Dec 2, 2014 11:00 JST');
    expect(html).toContain('1 h 30 min');
  });

  it('answers an unknown incident with a real 404 page', async () => {
    const { res, html } = await get('/incidents/no-such-incident');
    expect(res.status).toBe(404);
    expect(html).toContain('ページが見つかりません');
  });
});

describe('routing', () => {
  it('gives 404 for unknown paths in either language', async () => {
    expect((await get('/no/such/page')).res.status).toBe(404);
    expect((await get('/en/nothing-here')).res.status).toBe(404);
  });

  it('redirects /ja/... to the canonical unprefixed URL', async () => {
    const { res } = await get(`/ja/incidents/${SLUG}`);
    expect([301, 308]).toContain(res.status);
    expect(res.headers.get('location')).toBe(`/incidents/${SLUG}`);
  });

  it('serves the favicon', async () => {
    const res = await fetch(`${site.url}/favicon.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('rejects a history page that does not exist', async () => {
    expect((await get('/history/99')).res.status).toBe(404);
    expect((await get('/history/abc')).res.status).toBe(404);
  });
});

describe('Cache-Control for shared caches (CDN, nginx)', () => {
  it('lets shared caches keep every public page for 30 s, and 60 s more while they refetch', async () => {
    for (const p of ['/', '/en', `/incidents/${SLUG}`, `/en/incidents/${SLUG}`, '/history', '/en/history', '/components/mail-inbound', '/en/components/mail-inbound']) {
      const { res } = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('cache-control'), p).toBe(PAGE_CACHE_CONTROL);
    }
  });

  it('gives the feeds the same lifetime, public', async () => {
    for (const p of ['/history.rss', '/history.atom', '/en/history.rss', '/history.atom?component=mail-inbound']) {
      const { res } = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('cache-control'), p).toBe(PUBLIC_CACHE_CONTROL);
    }
  });

  it('keeps the console, the subscription flows and every POST out of all caches', async () => {
    const privatePages = ['/admin/sign-in', '/subscribe', '/en/subscribe', '/subscribe/confirm?token=x', '/subscriptions/manage?token=x', '/unsubscribe?token=x'];
    for (const p of privatePages) {
      const cacheControl = (await get(p)).res.headers.get('cache-control') ?? '';
      expect(cacheControl, p).toMatch(/\bprivate\b/);
      expect(cacheControl, p).toMatch(/\bno-store\b/);
    }
    const posts: [string, RequestInit][] = [
      ['/api/unsubscribe?token=x', { body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }],
      ['/api/ingest/mail-metrics', { body: '{"rollups":[]}', headers: { 'Content-Type': 'application/json' } }],
      ['/api/webhooks/remove?token=x', {}],
      ['/api/internal/tick', {}],
    ];
    for (const [p, init] of posts) {
      const { res } = await get(p, { method: 'POST', ...init });
      expect(res.headers.get('cache-control'), p).toBe('private, no-store');
    }
  });
});
