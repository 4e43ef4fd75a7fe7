import { env, selfOrigin } from '../env';
import { readIngestToken } from '../ingest/token';

// The site's tick: every RULE_TICK_SECONDS the server calls its own tick route, which refreshes its
// cached pages when the status changed elsewhere (the worker evaluates the rules; another instance
// took a console action). Revalidation must run inside a request, hence the route.
export function startSiteTicker() {
  const timer = setInterval(async () => {
    const token = readIngestToken();
    if (!token) return;
    try {
      await fetch(`${selfOrigin()}/api/internal/tick`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    } catch {
      // The server is starting or stopping; the next tick tries again.
    }
  }, env.RULE_TICK_SECONDS * 1000);
  timer.unref();
}
