// The public pages everyone opens at once during an incident, kept as prebuilt bytes in memory.
//
// Next.js serves a prerendered page without a database query, but its own request handling costs
// about a millisecond of CPU per request, so a crowd of a few hundred connections queues up behind
// it and times out (issue 15: `next start` alone lost 129–196 requests of the replay's flood). The
// site server (scripts/site-server.mjs) therefore answers anonymous GET and HEAD requests for the
// hot URLs below from a copy of what Next.js answered: same status, same headers (Content-Security-
// Policy and the rest, Cache-Control, Vary, ETag), same bytes, compressed ahead of time the way
// Next.js would compress them. Everything else goes to Next.js unchanged.
//
// A copy is replaced, never expired: it is fetched again from Next.js's own handler in the
// background when the status data changes (refreshStatusPages() calls statusChanged()), every
// PAGE_REVALIDATE_SECONDS otherwise, one fetch at a time per URL, while visitors keep getting the
// previous copy. A visitor never waits for a render and never costs a database query. The request
// that made the change (a console action, an ingest that moved a status, the rule tick) is
// answered only once the copies show it, so whoever changes something and then looks sees it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { chooseEncoding } from './accept-encoding.mjs';

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

/**
 * The URLs served from memory, exactly as requested (path and query): the status page in both
 * languages, the Statuspage documents pollers and widgets ask for, both feeds, the badge and the
 * widget script; and the pages of open incidents (below). Other query variants (`?component=`,
 * `?_rsc=`, tracking parameters), other incident pages, history and component pages go to
 * Next.js, which serves them from its own cache.
 */
export const SNAPSHOT_URLS = [
  '/',
  '/en',
  ...['summary', 'status', 'components', 'incidents/unresolved'].flatMap((doc) => [`/api/v2/${doc}.json`, `/api/v2/${doc}.json?lang=en`]),
  '/history.rss',
  '/history.atom',
  '/en/history.rss',
  '/en/history.atom',
  '/badge.svg',
  '/badge.svg?lang=en',
  '/embed.js',
  '/favicon.svg',
];

/**
 * The build's own files (scripts, style sheets), which every first-time visitor's browser fetches
 * after the page: named by their content, so a copy fetched once is good until the next build.
 * Kept as they are first asked for, at most MAX_BUILD_FILES of them (a build has a few dozen).
 */
const BUILD_FILES = '/_next/static/';
const MAX_BUILD_FILES = 300;

/**
 * The Statuspage document that lists the incidents still open. The pages of those incidents are
 * kept too (Japanese and English), and for a day after they resolve: they are what the notices
 * link to, so they are what subscribers open all at once, when the incident opens and when it ends.
 */
const OPEN_INCIDENTS_URL = '/api/v2/incidents/unresolved.json';
const INCIDENT_PAGE_KEPT_AFTER_MS = 24 * 3600_000;

/** `/incidents/<slug>` and `/en/incidents/<slug>` of each incident in the document. */
export function openIncidentPages(unresolvedJson) {
  const { incidents } = JSON.parse(unresolvedJson);
  return incidents.flatMap(({ shortlink }) => {
    const slug = new URL(shortlink).pathname.split('/').filter(Boolean).at(-1);
    return slug && /^[\w-]+$/.test(slug) ? [`/incidents/${slug}`, `/en/incidents/${slug}`] : [];
  });
}

/** Says that a response came from memory, and when the copy was fetched from Next.js. */
export const SNAPSHOT_HEADER = 'x-tayori-snapshot';

/**
 * Cookies that change what Next.js answers: the console session (lib/auth/session.ts) and Next.js's
 * draft mode. Public pages never read cookies (they are prerendered), so any other cookie is
 * ignored; these send the request to Next.js, so that nothing signed-in can ever come from memory.
 */
const COOKIES_THAT_MATTER = new Set(['tayori_session', '__prerender_bypass', '__next_preview_data']);

/** Hop-by-hop or per-message headers, which node:http writes for each answer itself. */
const NOT_COPIED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

/** A fetch that reported a stale copy is repeated this long after, once Next.js has regenerated it. */
const FOLLOW_UP_MS = 2000;
const MAX_STALE_FOLLOW_UPS = 5;
/** The first copies are fetched again until Next.js stops reporting stale pages, at most this often. */
const WARM_UP_ROUNDS = 5;
const WARM_UP_LIMIT_MS = 20_000;
/** A request that changed the status waits at most this long for the copies to show it. */
const HOLD_LIMIT_MS = 5000;
const FETCH_TIMEOUT_MS = 30_000;
/** Next.js's compression threshold (bytes), for answers that state their length. */
const COMPRESSION_THRESHOLD = 1024;

function cookieNames(header) {
  if (!header) return [];
  return header.split(';').map((pair) => pair.split('=')[0].trim());
}

/** True when the request carries anything that could make Next.js answer it differently for this client. */
function personal(headers) {
  if (headers.authorization !== undefined) return true;
  return cookieNames(headers.cookie).some((name) => COOKIES_THAT_MATTER.has(name));
}

/** Weak comparison, as RFC 9110 requires for If-None-Match (the same rule as lib/api/http.ts). */
export function etagMatches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  // If-None-Match compares weakly (RFC 9110 13.1.2): W/ is ignored on either side.
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}

function strongEtag(body) {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** [name, value] pairs from node:http's rawHeaders, names and order as Next.js wrote them. */
function pairs(rawHeaders) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) out.push([rawHeaders[i], rawHeaders[i + 1]]);
  return out;
}

const flat = (list) => list.flat();

/**
 * A copy of one answer, ready to write: header lists per encoding, for HEAD and for 304, built
 * once, so serving it is one writeHead and one end.
 */
async function makeCopy(status, rawHeaders, body, fetchedAt) {
  const headers = pairs(rawHeaders);
  const value = (name) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
  if (headers.some(([n]) => n.toLowerCase() === 'set-cookie')) return { refused: 'it sets a cookie' };
  const vary = headers
    .filter(([n]) => n.toLowerCase() === 'vary')
    .flatMap(([, v]) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  if (vary.includes('*')) return { refused: 'it varies with everything (Vary: *)' };

  // Next.js's compression adds Accept-Encoding to Vary whenever it would compress the type; it
  // leaves alone answers below 1 KiB that say their length (pages), and compresses streamed ones.
  const length = value('content-length');
  const compressible = vary.includes('accept-encoding') && !(length !== undefined && Number(length) < COMPRESSION_THRESHOLD);
  const etag = value('etag') ?? strongEtag(body);
  const kept = headers
    .filter(([n]) => !NOT_COPIED.has(n.toLowerCase()))
    // Next.js says HIT when it answers from its own cache; this copy is one.
    .map(([n, v]) => (n.toLowerCase() === 'x-nextjs-cache' ? [n, 'HIT'] : [n, v]));
  if (value('etag') === undefined) kept.push(['ETag', etag]);
  kept.push([SNAPSHOT_HEADER, fetchedAt.toISOString()]);

  const bodies = { identity: body };
  if (compressible) {
    // Computed once per copy, off the main thread: a crowd gets the same bytes without any CPU.
    [bodies.gzip, bodies.deflate] = await Promise.all([gzip(body, { level: 9 }), deflate(body, { level: 9 })]);
  }
  const withBody = (encoding) =>
    flat([...kept, ...(encoding === 'identity' ? [] : [['Content-Encoding', encoding]]), ['Content-Length', String(bodies[encoding].length)]]);
  return {
    status,
    etag,
    compressible,
    bodies,
    fetchedAt,
    // Request headers Next.js's answer depends on (rsc, next-router-state-tree, …): a request that
    // has any of them wants another variant, which Next.js serves.
    varyOn: vary.filter((name) => name !== 'accept-encoding'),
    headersFor: Object.fromEntries(Object.keys(bodies).map((encoding) => [encoding, withBody(encoding)])),
    notModified: flat(kept.filter(([n]) => !['content-type'].includes(n.toLowerCase()))),
  };
}

/**
 * @param {{ revalidateSeconds: number, deploymentId?: string, urls?: string[], followUpMs?: number, log?: (line: string) => void }} options
 */
export function createSnapshot({ revalidateSeconds, deploymentId, urls = SNAPSHOT_URLS, followUpMs = FOLLOW_UP_MS, log = (line) => console.log(line) }) {
  const requestContext = new AsyncLocalStorage();
  /** Build-file URLs Next.js did not answer with 200 (typos, probes): not asked for again. */
  const notBuildFiles = new Set();
  /** @type {Map<string, Entry>} */
  const entries = new Map();
  const timers = new Set();
  let origin;
  let agent;
  let stopped = false;

  function later(ms, fn) {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  /** Fetches `url` from Next.js's handler, uncompressed, as an anonymous visitor. */
  function fetchFromNext(url) {
    return new Promise((resolve, reject) => {
      const req = http.get(`${origin}${url}`, { agent, headers: { 'accept-encoding': 'identity' }, timeout: FETCH_TIMEOUT_MS }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${FETCH_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
    });
  }

  class Entry {
    constructor(url, { followsData = false, buildFile = false } = {}) {
      this.url = url;
      /** A build file: fetched once, never again. */
      this.buildFile = buildFile;
      /** An incident page, kept while its incident is open and for a while after. */
      this.followsData = followsData;
      this.dropAt = null;
      this.copy = null;
      this.inFlight = null;
      this.queued = null;
      this.staleFollowUps = 0;
      this.problem = '';
    }

    /** Resolves once a fetch that began after this call has finished: one at a time per URL. */
    rebuild() {
      if (stopped) return Promise.resolve();
      if (!this.inFlight) {
        this.inFlight = this.fetch().finally(() => {
          this.inFlight = null;
        });
        return this.inFlight;
      }
      // A fetch already under way may have read the data before the change: one more after it,
      // shared by everyone who asks meanwhile.
      this.queued ??= this.inFlight.then(() => {
        this.queued = null;
        return this.rebuild();
      });
      return this.queued;
    }

    async fetch() {
      try {
        const answer = await fetchFromNext(this.url);
        if (answer.status !== 200) throw new Error(`Next.js answered ${answer.status}`);
        const copy = await makeCopy(answer.status, answer.rawHeaders, answer.body, new Date());
        if (copy.refused) throw new Error(`not kept: ${copy.refused}`);
        this.copy = copy;
        if (this.problem) log(`site: snapshot of ${this.url} is current again`);
        this.problem = '';
        if (this.url === OPEN_INCIDENTS_URL) followOpenIncidents(answer.body);
        // Next.js handed out its previous page and is regenerating it: fetch the new one shortly.
        const cacheState = pairs(answer.rawHeaders).find(([n]) => n.toLowerCase() === 'x-nextjs-cache')?.[1];
        if (cacheState === 'STALE' && this.staleFollowUps < MAX_STALE_FOLLOW_UPS) {
          this.staleFollowUps++;
          later(followUpMs, () => this.rebuild());
        } else if (cacheState !== 'STALE') {
          this.staleFollowUps = 0;
        }
        return { dynamic: cacheState === undefined, stale: cacheState === 'STALE' };
      } catch (error) {
        // The previous copy stays: a status page that keeps answering while the database or a
        // render fails is what it is for. Said once per episode, not at every attempt.
        const problem = error.message;
        if (problem !== this.problem) log(`site: snapshot of ${this.url} not refreshed (${problem})${this.copy ? '; the previous copy is served' : ''}`);
        this.problem = problem;
        return { dynamic: false, stale: false };
      }
    }
  }

  for (const url of urls) entries.set(url, new Entry(url));

  /** Adds the pages of newly opened incidents, and lets go of those resolved a day ago. */
  function followOpenIncidents(body) {
    let open;
    try {
      open = new Set(openIncidentPages(body.toString('utf8')));
    } catch {
      return;
    }
    const now = Date.now();
    for (const url of open) {
      const entry = entries.get(url);
      if (entry) {
        entry.dropAt = null;
        continue;
      }
      const added = new Entry(url, { followsData: true });
      entries.set(url, added);
      added.rebuild();
    }
    for (const [url, entry] of entries) {
      if (!entry.followsData || open.has(url)) continue;
      entry.dropAt ??= now + INCIDENT_PAGE_KEPT_AFTER_MS;
      if (entry.dropAt <= now) entries.delete(url);
    }
  }

  /** Everything that follows the data: not the build's files. */
  const current = () => [...entries.values()].filter((entry) => !entry.buildFile);

  function rebuildAll() {
    return Promise.all(current().map((entry) => entry.rebuild()));
  }

  /** Keeps a build file after a visitor asked for it (that request went to Next.js). */
  function keepBuildFile(url) {
    const [path, query] = url.split('?');
    // The file as the pages name it: without a query, or with this deployment's id. Any other
    // query is a way to ask for the same file under endless names, and goes to Next.js.
    if (query !== undefined && !(deploymentId && query === `dpl=${deploymentId}`)) return;
    if (!path.startsWith(BUILD_FILES) || !origin || notBuildFiles.has(url)) return;
    if (current().length + MAX_BUILD_FILES <= entries.size) return;
    const entry = new Entry(url, { buildFile: true });
    entries.set(url, entry);
    entry.rebuild().then(() => {
      if (entry.copy) return;
      entries.delete(url);
      if (notBuildFiles.size < 10 * MAX_BUILD_FILES) notBuildFiles.add(url);
    });
  }

  /** The periodic refresh. Route handlers read Next.js's data cache, which hands out its previous
   * value once while it refreshes itself: those are fetched again shortly after. */
  async function refreshRound() {
    const results = await Promise.all(current().map(async (entry) => [entry, await entry.rebuild()]));
    for (const [entry, result] of results) if (result?.dynamic) later(followUpMs, () => entry.rebuild());
  }

  function scheduleRefresh() {
    later(revalidateSeconds * 1000, () => {
      refreshRound().finally(scheduleRefresh);
    });
  }

  /** After a change: every copy now, and once more shortly after as a safety net. */
  function rebuildAfterChange() {
    later(followUpMs, () => rebuildAll());
    return rebuildAll();
  }

  return {
    urls: () => [...entries.keys()],

    /** What the timer does every PAGE_REVALIDATE_SECONDS: fetch every copy again. */
    refresh: refreshRound,

    /**
     * Fetches the first copies from Next.js's handler at `handlerOrigin` (a server of this process
     * that only runs the handler) and keeps them current from then on. Resolves once they are
     * settled: Next.js answers at first with the pages of its build and regenerates them in the
     * background, and its data cache likewise, so the copies are fetched again until it no longer
     * reports a stale page. The site starts listening after that, with current copies and no
     * regeneration under way.
     */
    async start(handlerOrigin) {
      origin = handlerOrigin;
      agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      const warmUp = (async () => {
        for (let round = 0; round < WARM_UP_ROUNDS && !stopped; round++) {
          const results = await rebuildAll();
          if (round > 0 && !results.some((result) => result?.stale)) break;
          await new Promise((resolve) => setTimeout(resolve, followUpMs));
        }
      })();
      warmUp.finally(scheduleRefresh);
      // A handler that cannot answer (a database still starting) delays the site no longer than
      // this; requests for URLs without a copy go to Next.js meanwhile.
      await Promise.race([warmUp, new Promise((resolve) => setTimeout(resolve, WARM_UP_LIMIT_MS).unref())]);
    },

    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      agent?.destroy();
    },

    /**
     * Answers the request from memory when it is an anonymous GET or HEAD of a URL with a copy;
     * false otherwise (the caller passes it to Next.js).
     */
    serve(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const entry = entries.get(req.url);
      if (!entry && req.method === 'GET') keepBuildFile(req.url);
      const copy = entry?.copy;
      // A range of bytes is Next.js's to answer (it says Accept-Ranges for files).
      if (!copy || personal(req.headers) || req.headers.range !== undefined) return false;
      for (const name of copy.varyOn) if (req.headers[name] !== undefined) return false;

      if (etagMatches(req.headers['if-none-match'], copy.etag)) {
        res.writeHead(304, copy.notModified);
        res.end();
        return true;
      }
      // HEAD: the headers of the uncompressed answer, as Next.js sends them.
      const encoding = copy.compressible && req.method === 'GET' ? chooseEncoding(req.headers['accept-encoding']) : 'identity';
      res.writeHead(copy.status, copy.headersFor[encoding]);
      res.end(req.method === 'HEAD' ? undefined : copy.bodies[encoding]);
      return true;
    },

    /**
     * Runs Next.js's handler for a request not served from memory. When the request changes the
     * status (statusChanged() is called while it runs), its answer is completed only once the
     * copies are rebuilt (at most HOLD_LIMIT_MS): its sender then sees the change on every page.
     */
    passThrough(req, res, handle) {
      const request = { changed: false, ended: false };
      const end = res.end;
      res.end = function (...args) {
        if (request.ended) return this;
        request.ended = true;
        if (!request.changed) return end.apply(this, args);
        // Next.js applies the tags it expired as the handler returns; the copies are fetched after.
        const rebuilt = new Promise((resolve) => setImmediate(resolve)).then(rebuildAfterChange);
        const limit = new Promise((resolve) => setTimeout(resolve, HOLD_LIMIT_MS).unref());
        Promise.race([rebuilt, limit]).finally(() => end.apply(this, args));
        return this;
      };
      // A client that went away before the answer was complete: the change still counts.
      res.once('close', () => {
        if (request.changed && !request.ended) {
          request.ended = true;
          rebuildAfterChange();
        }
      });
      return requestContext.run(request, handle);
    },

    /** The status data changed (lib/cache/refresh.ts): rebuild every copy from Next.js. */
    statusChanged() {
      const request = requestContext.getStore();
      // Inside a request: rebuilt when its answer is complete (passThrough). Otherwise (a timer,
      // or an after() callback of a request already answered) now.
      if (request && !request.ended) request.changed = true;
      else later(0, rebuildAfterChange);
    },
  };
}
