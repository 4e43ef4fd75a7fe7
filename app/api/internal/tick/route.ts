import { refreshStatusPages } from '@/lib/cache/refresh';
import { hasValidIngestToken } from '@/lib/ingest/token';
import { evaluateRules } from '@/lib/metrics/evaluate';

// Called every RULE_TICK_SECONDS by the server itself (instrumentation.ts): time-driven changes
// such as "no data" and resolving recovered incidents happen even when no MTA is pushing.
export async function POST(request: Request) {
  if (!hasValidIngestToken(request.headers.get('authorization'))) {
    return Response.json({ error: 'unauthorized' }, { status: 401 });
  }
  const result = await evaluateRules();
  if (result.changed) refreshStatusPages();
  return Response.json(result, { headers: { 'Cache-Control': 'no-store' } });
}
