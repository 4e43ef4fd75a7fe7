// What a customer and a subscriber see while the simulation runs: the public API's unresolved
// incidents (cached like the page, so this is what visitors get), and the page itself under load.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './stack';

export interface PublicTimeline {
  /** First time an unresolved incident about the delay was served. */
  incidentShownAt?: number;
  /** When that incident was opened (its created_at). */
  incidentOpenedAt?: number;
  /** First time the spam-check note (an incident of impact "none") was served, and when it went. */
  scanNoteShownAt?: number;
  scanNoteClearedAt?: number;
}

/** Polls the public API every second until stopped. */
export function watchPublicStatus(siteUrl: string): { timeline: PublicTimeline; stop: () => void } {
  const timeline: PublicTimeline = {};
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${siteUrl}/api/v2/incidents/unresolved.json`, { signal: AbortSignal.timeout(5000) });
        if (res.ok) {
          // The simulation's site has no other incidents: the first unresolved one with an impact
          // is the flood's delay; one without an impact is the note that the spam check is off.
          const body = (await res.json()) as { incidents: Array<{ impact: string; created_at: string }> };
          const now = Date.now();
          const delay = body.incidents.find((i) => i.impact !== 'none');
          if (delay && !timeline.incidentShownAt) {
            timeline.incidentShownAt = now;
            timeline.incidentOpenedAt = Date.parse(delay.created_at);
          }
          const note = body.incidents.some((i) => i.impact === 'none');
          if (note && !timeline.scanNoteShownAt) timeline.scanNoteShownAt = now;
          if (!note && timeline.scanNoteShownAt && !timeline.scanNoteClearedAt) timeline.scanNoteClearedAt = now;
        }
      } catch {
        // the site is down (chaos) or busy: keep polling
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void poll();
  return { timeline, stop: () => (stopped = true) };
}

export interface LoadResult {
  /** Straight to the Next.js server, or through the shipped nginx cache in front of it. */
  via: 'next' | 'nginx';
  connections: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** What the errors were: timeouts, connection errors, status codes. */
  errorDetail: string;
  requests: number;
}

/** autocannon in its own process, so the load does not share an event loop with the traffic. */
export function loadPage(url: string, via: LoadResult['via'], connections: number, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number; timeouts: number; statusCodeStats?: Record<string, { count: number }> };
        const statuses = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, v]) => `${code}×${v.count}`);
        const detail = [r.timeouts ? `${r.timeouts} timeouts` : '', r.errors - r.timeouts ? `${r.errors - r.timeouts} connection errors` : '', ...statuses].filter(Boolean).join(', ');
        resolve({ via, connections, seconds, rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx, errorDetail: detail, requests: r.requests.total });
      } catch (error) {
        reject(new Error(`autocannon gave no result: ${(error as Error).message}`));
      }
    });
  });
}

interface NginxModule {
  nginxAvailable: () => boolean;
  startNginx: (o: { dir: string; sitePort: number; proxyPort: number }) => { url: string; stop: () => void };
}

/** The shipped nginx configuration in front of the site, when nginx is installed (else null). */
export async function startProxy(sitePort: number, proxyPort: number) {
  const nginx = (await import(path.join(ROOT, 'scripts/lib/nginx.mjs'))) as NginxModule;
  if (!nginx.nginxAvailable()) return null;
  // Its own directory under the system's temp dir: nginx's workers drop root and must reach it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tayori-simulate-nginx-'));
  const running = nginx.startNginx({ dir, sitePort, proxyPort });
  process.once('exit', running.stop);
  return {
    url: running.url,
    stop: () => {
      running.stop();
      setTimeout(() => rmSync(dir, { recursive: true, force: true }), 1000).unref();
    },
  };
}
