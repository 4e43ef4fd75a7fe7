import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startSite, type RunningSite } from '../support/site';
import { ENDPOINTS, schemaErrors } from '../support/statuspage-schema';

// The Statuspage-compatible read API, the badge and the widget script, on the shared test site.
let site: RunningSite;
const queryLog = path.join(inject('siteDataDir'), 'api-queries.log');
const countQueries = () => readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).length;

beforeAll(async () => {
  writeFileSync(queryLog, '');
  // The site's own rule timer queries the database; keep it out of the query count below.
  site = await startSite({ TAYORI_QUERY_LOG: queryLog, RULE_TICK_SECONDS: '300' });
});
afterAll(async () => {
  await site?.stop();
});

async function getJson(p: string, init?: RequestInit) {
  const res = await fetch(`${site.url}${p}`, init);
  return { res, body: (await res.json()) as any };
}

/** Components as the HTML status page shows them: slug, status, name. */
function pageComponents(html: string) {
  return [...html.matchAll(/data-component="([^"]+)" data-status="([^"]+)"[^>]*>[\s\S]*?<a [^>]*>([^<]+)<\/a>/g)].map((m) => ({ slug: m[1], status: m[2], name: m[3] }));
}

// First, while the cached data is seconds old: it is refreshed (with queries) after 30 s.
describe('cost per request', () => {
  it('costs no database query per request, in either language', async () => {
    const paths = [...ENDPOINTS, ...ENDPOINTS.map((e) => `${e}?lang=en`), '/badge.svg', '/badge.svg?component=mail-inbound&lang=en'];
    for (const p of paths) await fetch(`${site.url}${p}`); // warm
    const before = countQueries();
    for (let round = 0; round < 3; round++) {
      for (const p of paths) expect((await fetch(`${site.url}${p}`)).status).toBe(200);
    }
    expect(countQueries() - before).toBe(0);
    // The counter is live: a page rendered on demand does reach the database. An incident slug
    // no build or earlier request has seen cannot come from any cache.
    await fetch(`${site.url}/incidents/never-seen-${Date.now()}`);
    expect(countQueries()).toBeGreaterThan(before);
  });
});

describe('every /api/v2 document', () => {
  it.each(ENDPOINTS)('%s conforms to the Statuspage schema in both languages, as UTF-8 JSON', async (endpoint) => {
    for (const query of ['', '?lang=en']) {
      const { res, body } = await getJson(endpoint + query);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(schemaErrors(endpoint, body)).toEqual([]);
      expect(body.page.time_zone).toBe('Asia/Tokyo');
      expect(body.page.updated_at).toMatch(/\+09:00$/);
    }
  });

  it('gives the same stable page id everywhere, and the page URL of the language', async () => {
    const ja = (await getJson('/api/v2/status.json')).body;
    const en = (await getJson('/api/v2/components.json?lang=en')).body;
    expect(ja.page.id).toMatch(/^[a-z0-9]{12}$/);
    expect(en.page.id).toBe(ja.page.id);
    expect(en.components.every((c: { page_id: string }) => c.page_id === ja.page.id)).toBe(true);
    expect(ja.page).toMatchObject({ name: 'Tayori ステータス', url: site.url });
    expect(en.page).toMatchObject({ name: 'Tayori Status', url: `${site.url}/en` });
  });

  it('refuses a language it does not have', async () => {
    const { res, body } = await getJson('/api/v2/summary.json?lang=fr');
    expect(res.status).toBe(400);
    expect(body.error).toContain('lang');
  });
});

describe('consistency with the HTML status page', () => {
  it('shows the same components with the same statuses, in the same order, in both languages', async () => {
    for (const [pagePath, query] of [['/', ''], ['/en', '?lang=en']]) {
      const html = await (await fetch(`${site.url}${pagePath}`)).text();
      const shown = pageComponents(html);
      expect(shown.length).toBe(10);
      const { body } = await getJson(`/api/v2/components.json${query}`);
      const listed = body.components.filter((c: { group: boolean }) => !c.group);
      expect(listed.map((c: { name: string; status: string }) => ({ name: c.name, status: c.status }))).toEqual(shown.map(({ name, status }) => ({ name, status })));
    }
  });

  it('lists the page groups with their components, as the page groups them', async () => {
    const { body } = await getJson('/api/v2/components.json');
    const groups = body.components.filter((c: { group: boolean }) => c.group);
    expect(groups.map((g: { name: string }) => g.name)).toEqual(['メール', 'サーバー', '管理・ネットワーク']);
    const byId = new Map(body.components.map((c: { id: string }) => [c.id, c]));
    for (const g of groups) {
      for (const id of g.components) expect((byId.get(id) as { group_id: string }).group_id).toBe(g.id);
    }
  });

  it('says what the banner says, in both languages', async () => {
    for (const [pagePath, query] of [['/', ''], ['/en', '?lang=en']]) {
      const html = await (await fetch(`${site.url}${pagePath}`)).text();
      const banner = html.match(/data-indicator="([a-z]+)"[\s\S]*?class="status-banner-text">([^<]+)</)!;
      const { body } = await getJson(`/api/v2/status.json${query}`);
      expect(body.status).toEqual({ indicator: banner[1], description: banner[2] });
      const summary = (await getJson(`/api/v2/summary.json${query}`)).body;
      expect(summary.status).toEqual(body.status);
    }
    expect((await getJson('/api/v2/status.json?lang=en')).body.status.description).toBe('All Systems Operational');
  });

  it('has no unresolved incident while the page shows none', async () => {
    const html = await (await fetch(`${site.url}/`)).text();
    expect(html).not.toContain('id="unresolved-heading"');
    expect((await getJson('/api/v2/incidents/unresolved.json')).body.incidents).toEqual([]);
    expect((await getJson('/api/v2/summary.json')).body.incidents).toEqual([]);
  });
});

describe('incidents', () => {
  it('lists the 2014 report with its timeline newest first, in Japanese and in English, linking to its page', async () => {
    const ja = (await getJson('/api/v2/incidents.json')).body.incidents;
    const report = ja.find((i: { shortlink: string }) => i.shortlink.endsWith('/incidents/2014-12-02-mail-delay'));
    expect(report.name).toContain('12月2日、3日、4日に発生したメール受信遅延の報告とお詫び');
    expect(report).toMatchObject({ status: 'postmortem', impact: 'major', started_at: '2014-12-02T11:00:00+09:00', created_at: '2014-12-02T11:00:00+09:00' });
    expect(report.resolved_at).toMatch(/^2014-12-\d\dT\d\d:\d\d:00\+09:00$/);
    const shown = report.incident_updates.map((u: { display_at: string }) => u.display_at);
    expect(shown).toEqual(shown.toSorted().reverse());
    expect(report.incident_updates.every((u: { incident_id: string }) => u.incident_id === report.id)).toBe(true);
    // Imported after the fact: nobody was notified of these updates.
    expect(report.incident_updates.every((u: { deliver_notifications: boolean }) => !u.deliver_notifications)).toBe(true);
    expect(report.components.map((c: { name: string }) => c.name)).toContain('メール受信');
    const page = await fetch(report.shortlink);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('12月2日、3日、4日に発生したメール受信遅延の報告とお詫び');

    const en = (await getJson('/api/v2/incidents.json?lang=en')).body.incidents.find((i: { id: string }) => i.id === report.id);
    expect(en.name).toContain('Report and apology for the mail reception delays');
    expect(en.shortlink).toBe(`${site.url}/en/incidents/2014-12-02-mail-delay`);
    expect(en.incident_updates.map((u: { id: string }) => u.id)).toEqual(report.incident_updates.map((u: { id: string }) => u.id));
    expect(en.incident_updates[0].body).not.toEqual(report.incident_updates[0].body);
  });
});

describe('HTTP behaviour', () => {
  it('lets any origin read the API, and answers the CORS preflight', async () => {
    const res = await fetch(`${site.url}/api/v2/summary.json`, { headers: { Origin: 'https://dashboard.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
    const preflight = await fetch(`${site.url}/api/v2/summary.json`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://dashboard.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-none-match');
  });

  it('is cacheable by CDNs as long as the pages are', async () => {
    for (const p of ['/api/v2/summary.json', '/api/v2/status.json', '/api/v2/incidents.json?lang=en', '/api/v2/openapi.json', '/badge.svg', '/embed.js']) {
      const res = await fetch(`${site.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('cache-control'), p).toBe('public, max-age=0, s-maxage=30, stale-while-revalidate=60');
    }
    // A 304 carries the same lifetime, so a cache that revalidated keeps its copy as long again.
    const etag = (await fetch(`${site.url}/api/v2/status.json`)).headers.get('etag')!;
    const notModified = await fetch(`${site.url}/api/v2/status.json`, { headers: { 'If-None-Match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=30, stale-while-revalidate=60');
  });

  it('keeps errors out of shared caches', async () => {
    for (const p of ['/api/v2/summary.json?lang=fr', '/badge.svg?component=no-such-thing']) {
      const res = await fetch(`${site.url}${p}`);
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('cache-control'), p).toBe('private, no-store');
    }
  });

  it('answers 304 with no body when the client has the current version, 200 otherwise', async () => {
    const first = await fetch(`${site.url}/api/v2/summary.json`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await fetch(`${site.url}/api/v2/summary.json`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('access-control-allow-origin')).toBe('*');
    // A list of tags, and the weak form a proxy may have turned it into, match too.
    expect((await fetch(`${site.url}/api/v2/summary.json`, { headers: { 'If-None-Match': `"old", W/${etag}` } })).status).toBe(304);
    const stale = await fetch(`${site.url}/api/v2/summary.json`, { headers: { 'If-None-Match': '"something-else"' } });
    expect(stale.status).toBe(200);
    expect((await stale.json()).page.id).toBeTruthy();
    // Another language is another document.
    const en = await fetch(`${site.url}/api/v2/summary.json?lang=en`, { headers: { 'If-None-Match': etag } });
    expect(en.status).toBe(200);
    expect(en.headers.get('etag')).not.toBe(etag);
  });

});

describe('OpenAPI description', () => {
  it('describes every endpoint, and every real response conforms to it', async () => {
    const { res, body: spec } = await getJson('/api/v2/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.servers[0].url).toBe(site.url);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining([...ENDPOINTS, '/badge.svg', '/embed.js']));

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: spec.components });
    for (const endpoint of ENDPOINTS) {
      const ref = spec.paths[endpoint].get.responses['200'].content['application/json'].schema.$ref as string;
      const validate = ajv.getSchema(`openapi.json${ref}`)!;
      for (const query of ['', '?lang=en']) {
        const { body } = await getJson(endpoint + query);
        expect(validate(body), `${endpoint}${query}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });
});

describe('status badge', () => {
  it('is an SVG image whose accessible name is the banner text', async () => {
    const res = await fetch(`${site.url}/badge.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('<title>Tayori ステータス: 全サービス正常</title>');
    const en = await (await fetch(`${site.url}/badge.svg?lang=en`)).text();
    expect(en).toContain('<title>Tayori Status: All Systems Operational</title>');
  });

  it('shows one component with ?component=, and answers 404 for an unknown one', async () => {
    const svg = await (await fetch(`${site.url}/badge.svg?component=mail-inbound&lang=en`)).text();
    expect(svg).toContain('<title>Mail reception: Operational</title>');
    expect((await fetch(`${site.url}/badge.svg?component=no-such-thing`)).status).toBe(404);
  });

  it('revalidates with ETag like the API', async () => {
    const etag = (await fetch(`${site.url}/badge.svg`)).headers.get('etag')!;
    expect((await fetch(`${site.url}/badge.svg`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});

describe('widget script', () => {
  it('is served as JavaScript, under 5 KB, cacheable, with a validator', async () => {
    const res = await fetch(`${site.url}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(5 * 1024);
    expect(body.toString()).toContain('/api/v2/summary.json');
    expect(res.headers.get('cache-control')).toMatch(/s-maxage=\d+/);
    const etag = res.headers.get('etag')!;
    expect((await fetch(`${site.url}/embed.js`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});
