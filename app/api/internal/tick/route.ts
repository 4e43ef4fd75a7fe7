import { statusDataChanged } from '@/lib/cache/change-marker';
import { refreshStatusPages } from '@/lib/cache/refresh';
import { NO_STORE } from '@/lib/http/cache-control';
import { hasValidIngestToken } from '@/lib/ingest/token';
import { advanceMaintenances } from '@/lib/maintenance/schedule';
import { evaluateRules } from '@/lib/metrics/evaluate';

// Called every RULE_TICK_SECONDS by the server itself (instrumentation.ts): time-driven changes
// such as "no data" and resolving recovered incidents happen even when no MTA is pushing. It also
// refreshes this instance's pages after a change made through another instance.
export async function POST(request: Request) {
  if (!hasValidIngestToken(request.headers.get('authorization'))) {
    return Response.json({ error: 'unauthorized' }, { status: 401, headers: { 'Cache-Control': NO_STORE } });
  }
  const result = await evaluateRules();
  const maintenance = await advanceMaintenances();
  // Checked after this tick's own changes, so they are not counted again at the next tick.
  const changedElsewhere = await statusDataChanged();
  if (result.changed || maintenance.length || changedElsewhere) refreshStatusPages();
  return Response.json({ ...result, maintenance, changedElsewhere }, { headers: { 'Cache-Control': NO_STORE } });
}
