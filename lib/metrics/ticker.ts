import { env, selfOrigin } from '../env';
import { readIngestToken } from '../ingest/token';

// Rule evaluation must run inside a request for cache revalidation to work, so the server calls
// its own tick route on a timer.
export function startRuleTicker() {
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
