import { statusDataChanged } from '@/lib/cache/change-marker';
import { refreshStatusPages } from '@/lib/cache/refresh';
import { NO_STORE } from '@/lib/http/cache-control';
import { hasValidIngestToken } from '@/lib/ingest/token';

// Called every RULE_TICK_SECONDS by the server itself (instrumentation.ts): a status change made
// elsewhere — by the worker, which evaluates the rules and moves maintenance on, or through
// another site instance — refreshes this instance's pages within one tick.
export async function POST(request: Request) {
  if (!hasValidIngestToken(request.headers.get('authorization'))) {
    return Response.json({ error: 'unauthorized' }, { status: 401, headers: { 'Cache-Control': NO_STORE } });
  }
  const changed = await statusDataChanged();
  if (changed) refreshStatusPages();
  return Response.json({ changedElsewhere: changed }, { headers: { 'Cache-Control': NO_STORE } });
}
