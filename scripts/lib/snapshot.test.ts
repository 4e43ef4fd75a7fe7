import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createSnapshot, etagMatches, openIncidentPages, SNAPSHOT_HEADER } from './snapshot.mjs';

// The snapshot in front of a stand-in for Next.js's handler that answers as Next.js does (the
// integration tests put it in front of the real one): what reaches the handler, and what a
// visitor gets, before and after a change.

const CSP = "default-src 'self'; frame-ancestors 'none'";
const VARY = 'rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch, Accept-Encoding';

interface Origin {
  version: number;
  /** Requests from visitors (through the site's port) that reached the handler, by URL. */
  hits: Map<string, number>;
  inFlight: number;
  maxInFlight: number;
  renderMs: number;
  failWith: number | null;
  setCookie: boolean;
  /** The next page answer is the previous version, marked STALE, as Next.js answers while it regenerates. */
  staleOnce: boolean;
}

interface Front {
  url: string;
  origin: Origin;
  snapshot: ReturnType<typeof createSnapshot>;
  stop: () => Promise<void>;
}

const running: Front[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

async function startFront(urls = ['/', '/feed.xml'], deploymentId?: string): Promise<Front> {
  const origin: Origin = { version: 1, hits: new Map(), inFlight: 0, maxInFlight: 0, renderMs: 0, failWith: null, setCookie: false, staleOnce: false };
  const snapshot = createSnapshot({ revalidateSeconds: 3600, deploymentId, urls, followUpMs: 300, log: () => {} });

  async function handler(req: http.IncomingMessage, res: http.ServerResponse, fromVisitor: boolean) {
    if (fromVisitor) origin.hits.set(req.url!, (origin.hits.get(req.url!) ?? 0) + 1);
    if (req.method === 'POST' && req.url === '/change') {
      origin.version++;
      // What lib/cache/refresh.ts does through the hook the site server installs.
      snapshot.statusChanged();
      res.writeHead(303, { Location: '/' }).end();
      return;
    }
    origin.inFlight++;
    origin.maxInFlight = Math.max(origin.maxInFlight, origin.inFlight);
    await new Promise((r) => setTimeout(r, origin.renderMs));
    origin.inFlight--;
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Vary', VARY);
    if (origin.setCookie) res.setHeader('Set-Cookie', 'tracker=1');
    if (origin.failWith) {
      res.writeHead(origin.failWith).end('failed');
      return;
    }
    if (req.url === '/api/v2/incidents/unresolved.json') {
      res.setHeader('Content-Type', 'application/json');
      const incidents = origin.version > 1 ? [{ shortlink: 'https://status.example.test/incidents/20261206-delays-in-mail-reception' }] : [];
      res.end(JSON.stringify({ page: {}, incidents }));
      return;
    }
    if (req.url!.startsWith('/_next/static/')) {
      if (!req.url!.startsWith('/_next/static/chunks/app-')) {
        res.writeHead(404).end('not found');
        return;
      }
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('Content-Type', 'application/javascript; charset=UTF-8');
      res.setHeader('Accept-Ranges', 'bytes');
      res.end(`/* build file ${req.url} */`);
      return;
    }
    if (req.url === '/feed.xml') {
      // A route handler: no ETag of its own, streamed.
      res.setHeader('Cache-Control', 'public, max-age=0, s-maxage=30, stale-while-revalidate=60');
      res.setHeader('Content-Type', 'application/rss+xml; charset=utf-8');
      res.end(`<rss>version ${origin.version}${req.headers.cookie ? ' personal' : ''}</rss>`);
      return;
    }
    const version = origin.staleOnce ? origin.version - 1 : origin.version;
    res.setHeader('x-nextjs-cache', origin.staleOnce ? 'STALE' : 'HIT');
    origin.staleOnce = false;
    const body = `<!DOCTYPE html><p>version ${version}</p>${'<p>padding</p>'.repeat(200)}${req.headers.rsc ? 'rsc payload' : ''}`;
    res.setHeader('Cache-Control', 's-maxage=30, stale-while-revalidate=60');
    res.setHeader('ETag', `"page-${version}"`);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  }

  // As in scripts/site-server.mjs: the handler on a port of its own for the snapshot's fetches,
  // and the site's port with the snapshot in front of the same handler.
  const handlerServer = http.createServer((req, res) => handler(req, res, false));
  const server = http.createServer((req, res) => {
    if (snapshot.serve(req, res)) return;
    snapshot.passThrough(req, res, () => handler(req, res, true));
  });
  const listen = async (s: http.Server) => {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  await snapshot.start(await listen(handlerServer));
  const front = {
    url: await listen(server),
    origin,
    snapshot,
    stop: async () => {
      snapshot.stop();
      for (const s of [server, handlerServer]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
  running.push(front);
  return front;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

function get(front: Front, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${front.url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started }));
    });
    req.on('error', reject);
    req.end();
  });
}

const hits = (front: Front, url: string) => front.origin.hits.get(url) ?? 0;

describe('answers from memory', () => {
  it('serves the handler’s answer without calling it: status, headers, bytes', async () => {
    const front = await startFront();
    const before = hits(front, '/');
    for (let i = 0; i < 20; i++) {
      const answer = await get(front, '/');
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toContain('<p>version 1</p>');
      expect(answer.headers['content-security-policy']).toBe(CSP);
      expect(answer.headers.vary).toBe(VARY);
      expect(answer.headers['cache-control']).toBe('s-maxage=30, stale-while-revalidate=60');
      expect(answer.headers.etag).toBe('"page-1"');
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      // A copy is what Next.js calls a cache hit.
      expect(answer.headers['x-nextjs-cache']).toBe('HIT');
    }
    expect(hits(front, '/')).toBe(before);
  });

  it('compresses as Next.js would: gzip or deflate by Accept-Encoding, never br, the same bytes inside', async () => {
    const front = await startFront();
    const plain = await get(front, '/');
    const gzipped = await get(front, '/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body)).toEqual(plain.body);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 5);
    const deflated = await get(front, '/', { 'accept-encoding': 'deflate' });
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(inflateSync(deflated.body)).toEqual(plain.body);
    expect((await get(front, '/', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
    expect(gzipped.headers.vary).toBe(VARY);
  });

  it('answers If-None-Match with 304, and HEAD with the headers alone', async () => {
    const front = await startFront();
    const first = await get(front, '/');
    for (const tag of [first.headers.etag!, `W/${first.headers.etag}`, `"other", ${first.headers.etag}`]) {
      const again = await get(front, '/', { 'if-none-match': tag });
      expect(again.status, tag).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.headers['content-security-policy']).toBe(CSP);
    }
    expect((await get(front, '/', { 'if-none-match': '"other"' })).status).toBe(200);
    const head = await get(front, '/', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(first.body.length));
  });

  it('gives an answer without an ETag one made from its bytes', async () => {
    const front = await startFront();
    const feed = await get(front, '/feed.xml');
    expect(feed.headers[SNAPSHOT_HEADER]).toBeDefined();
    expect(feed.headers.etag).toMatch(/^"[\w-]{32}"$/);
    expect((await get(front, '/feed.xml', { 'if-none-match': feed.headers.etag! })).status).toBe(304);
  });
});

describe('If-None-Match', () => {
  it('compares weakly: a weak tag of Next.js (static files) matches with or without W/', () => {
    expect(etagMatches('"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", W/"abc"', 'W/"abc"')).toBe(true);
    expect(etagMatches('"abd"', 'W/"abc"')).toBe(false);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
  });
});

describe('pages of open incidents', () => {
  it('are read from the unresolved incidents document, in both languages', () => {
    const doc = JSON.stringify({ incidents: [{ shortlink: 'https://status.example.test/en/incidents/20261206-delays-in-mail-reception' }, { shortlink: 'https://status.example.test/incidents/a-b-2' }] });
    expect(openIncidentPages(doc)).toEqual(['/incidents/20261206-delays-in-mail-reception', '/en/incidents/20261206-delays-in-mail-reception', '/incidents/a-b-2', '/en/incidents/a-b-2']);
    expect(openIncidentPages(JSON.stringify({ incidents: [] }))).toEqual([]);
  });

  it('are kept from the moment the incident opens', async () => {
    const front = await startFront(['/', '/api/v2/incidents/unresolved.json']);
    const page = '/incidents/20261206-delays-in-mail-reception';
    expect((await get(front, page)).headers[SNAPSHOT_HEADER]).toBeUndefined();
    await get(front, '/change', {}, 'POST');
    // Added as the document is fetched again, and fetched at once.
    await new Promise((r) => setTimeout(r, 300));
    for (const url of [page, `/en${page}`]) {
      const before = hits(front, url);
      const answer = await get(front, url);
      expect(answer.headers[SNAPSHOT_HEADER], url).toBeDefined();
      expect(answer.body.toString()).toContain('version 2');
      expect(hits(front, url)).toBe(before);
    }
    expect(front.snapshot.urls()).toContain(`/en${page}`);
    expect((await get(front, '/incidents/another-one')).headers[SNAPSHOT_HEADER]).toBeUndefined();
  });
});

describe('the build’s files', () => {
  it('are kept once a visitor asked for one, never fetched again on a change', async () => {
    const front = await startFront(['/'], 'release-7');
    const file = '/_next/static/chunks/app-1a2b.js';
    const first = await get(front, file);
    expect(first.headers[SNAPSHOT_HEADER]).toBeUndefined();
    expect(hits(front, file)).toBe(1);
    // The same file as the pages of a deployment with NEXT_DEPLOYMENT_ID name it.
    const named = `${file}?dpl=release-7`;
    await get(front, named);
    await new Promise((r) => setTimeout(r, 100));
    for (const url of [file, named]) {
      const before = hits(front, url);
      const again = await get(front, url);
      expect(again.headers[SNAPSHOT_HEADER], url).toBeDefined();
      expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(again.body.toString()).toBe(`/* build file ${url} */`);
      expect(hits(front, url)).toBe(before);
    }
    const kept = front.snapshot.urls().length;
    await get(front, '/change', {}, 'POST');
    expect(front.snapshot.urls()).toHaveLength(kept);
    // A range is Next.js's to answer.
    expect((await get(front, file, { range: 'bytes=0-3' })).headers[SNAPSHOT_HEADER]).toBeUndefined();
  });

  it('are not kept under other names, nor when Next.js has no such file', async () => {
    const front = await startFront(['/'], 'release-7');
    for (const url of ['/_next/static/chunks/app-1a2b.js?v=1', '/_next/static/chunks/app-1a2b.js?dpl=other', '/_next/static/chunks/nothing.js']) {
      await get(front, url);
      await new Promise((r) => setTimeout(r, 100));
      expect((await get(front, url)).headers[SNAPSHOT_HEADER], url).toBeUndefined();
      expect(front.snapshot.urls(), url).not.toContain(url);
    }
  });
});

describe('what goes to the handler', () => {
  it('signed-in, authorised, draft-mode and client-navigation requests, other methods and other URLs', async () => {
    const front = await startFront();
    const cases: [string, Record<string, string>, string?][] = [
      ['/feed.xml', { cookie: 'theme=dark; tayori_session=abc' }],
      ['/feed.xml', { cookie: '__prerender_bypass=1' }],
      ['/', { authorization: 'Bearer x' }],
      ['/', { rsc: '1' }],
      ['/', { 'next-router-prefetch': '1' }],
      ['/?utm_source=mail', {}],
      ['/en', {}],
      ['/', {}, 'POST'],
    ];
    for (const [url, headers, method] of cases) {
      const before = hits(front, url);
      const answer = await get(front, url, headers, method);
      expect(answer.headers[SNAPSHOT_HEADER], `${method ?? 'GET'} ${url} ${JSON.stringify(headers)}`).toBeUndefined();
      expect(hits(front, url)).toBe(before + 1);
    }
    expect((await get(front, '/feed.xml', { cookie: 'tayori_session=abc' })).body.toString()).toContain('personal');
    expect((await get(front, '/', { rsc: '1' })).body.toString()).toContain('rsc payload');
  });

  it('keeps serving from memory for cookies that change nothing', async () => {
    const front = await startFront();
    const before = hits(front, '/');
    const answer = await get(front, '/', { cookie: '_ga=GA1.1; theme=dark' });
    expect(answer.headers[SNAPSHOT_HEADER]).toBeDefined();
    expect(hits(front, '/')).toBe(before);
  });

});

describe('replaced on change', () => {
  it('answers the request that changed the status once every copy shows the change', async () => {
    const front = await startFront();
    front.origin.renderMs = 300;
    const change = await get(front, '/change', {}, 'POST');
    expect(change.status).toBe(303);
    // The writer waited for the rebuild…
    expect(change.ms).toBeGreaterThanOrEqual(250);
    // …so the next visitor, who is served from memory, sees the new version.
    for (const url of ['/', '/feed.xml']) {
      const answer = await get(front, url);
      expect(answer.headers[SNAPSHOT_HEADER]).toBeDefined();
      expect(answer.body.toString()).toContain('version 2');
    }
    expect((await get(front, '/')).headers.etag).toBe('"page-2"');
  });

  it('serves the previous copy at once while the new one renders', async () => {
    const front = await startFront();
    front.origin.renderMs = 1500;
    const change = get(front, '/change', {}, 'POST');
    await new Promise((r) => setTimeout(r, 200));
    const during = await get(front, '/');
    expect(during.body.toString()).toContain('version 1');
    expect(during.ms).toBeLessThan(200);
    await change;
    expect((await get(front, '/')).body.toString()).toContain('version 2');
  });

  it('fetches each URL once at a time however many changes arrive meanwhile, and the last one counts', async () => {
    const front = await startFront();
    front.origin.renderMs = 100;
    front.origin.maxInFlight = 0;
    await Promise.all(Array.from({ length: 10 }, () => get(front, '/change', {}, 'POST')));
    expect(front.origin.maxInFlight).toBeLessThanOrEqual(2); // '/' and '/feed.xml', one each
    expect((await get(front, '/')).body.toString()).toContain('version 11');
  });

  it('fetches a page again shortly after Next.js handed out a stale one', async () => {
    const front = await startFront();
    front.origin.staleOnce = true;
    front.origin.version++;
    // Changed without a signal (as by time alone): the periodic fetch gets the stale page…
    await front.snapshot.refresh();
    expect((await get(front, '/')).body.toString()).toContain('version 1');
    // …and the next one, shortly after, the regenerated page.
    await new Promise((r) => setTimeout(r, 600));
    expect((await get(front, '/')).body.toString()).toContain('version 2');
  });

  it('keeps the previous copy when the handler fails or sets a cookie', async () => {
    const front = await startFront();
    front.origin.failWith = 500;
    await get(front, '/change', {}, 'POST');
    let answer = await get(front, '/');
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toContain('version 1');
    front.origin.failWith = null;
    front.origin.setCookie = true;
    await get(front, '/change', {}, 'POST');
    answer = await get(front, '/');
    expect(answer.body.toString()).toContain('version 1');
    expect(answer.headers['set-cookie']).toBeUndefined();
    front.origin.setCookie = false;
    await get(front, '/change', {}, 'POST');
    expect((await get(front, '/')).body.toString()).toContain('version 4');
  });
});
