import { refreshStatusPages } from '@/lib/cache/refresh';
import { hasValidIngestToken } from '@/lib/ingest/token';
import { advanceMaintenances } from '@/lib/maintenance/schedule';
import { evaluateRules } from '@/lib/metrics/evaluate';

// Called every RULE_TICK_SECONDS by the server itself (instrumentation.ts): time-driven changes
// such as "no data" and resolving recovered incidents happen even when no MTA is pushing.
export async function POST(request: Request) {
  if (!hasValidIngestToken(request.headers.get('authorization'))) {
    return Response.json({ error: 'unauthorized' }, { status: 401 });
  }
  const result = await evaluateRules();
  const maintenance = await advanceMaintenances();
  if (result.changed || maintenance.length) refreshStatusPages();
  return Response.json({ ...result, maintenance }, { headers: { 'Cache-Control': 'no-store' } });
}
