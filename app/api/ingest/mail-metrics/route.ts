import { hasValidIngestToken } from '@/lib/ingest/token';
import { NO_STORE } from '@/lib/http/cache-control';
import { BodyTooLargeError, readBodyLimited } from '@/lib/http/read-body';
import { storeRollups, windowsOutOfRange } from '@/lib/metrics/ingest';
import { rollupBatchSchema } from '#contracts/rollup-schema';

// 500 rollups of ~1 KB each, with room to spare.
const MAX_BODY_BYTES = 1024 * 1024;

function json(status: number, body: unknown) {
  return Response.json(body, { status, headers: { 'Cache-Control': NO_STORE } });
}

export async function POST(request: Request) {
  if (!hasValidIngestToken(request.headers.get('authorization'))) {
    return json(401, { error: 'unauthorized', message: 'a valid "Authorization: Bearer <INGEST_TOKEN>" header is required' });
  }
  let text: string;
  try {
    text = await readBodyLimited(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return json(413, { error: 'too_large', message: error.message });
    throw error;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return json(400, { error: 'invalid_json', message: 'the body is not valid JSON' });
  }
  const parsed = rollupBatchSchema.safeParse(payload);
  if (!parsed.success) {
    return json(400, {
      error: 'invalid',
      message: 'the rollups did not validate',
      fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const outOfRange = windowsOutOfRange(parsed.data.rollups);
  if (outOfRange.length) {
    return json(400, { error: 'invalid', message: 'some windows are outside the accepted time range', fields: outOfRange });
  }
  // Stored, and that is all: the worker (worker/status-loop.ts) judges the new windows within
  // RULE_TICK_SECONDS, so an MTA's push costs the same whatever follows from it.
  return json(200, await storeRollups(parsed.data.rollups));
}
