import { jsonResponse, preflightResponse } from '@/lib/api/http';
import { openApiDocument } from '@/lib/api/openapi';
import { env } from '@/lib/env';

// The OpenAPI 3.1 description of /api/v2 and /badge.svg. It reads no data; the ETag still lets
// tools that poll it revalidate for free.
export const dynamic = 'force-dynamic';

export function GET(request: Request): Response {
  return jsonResponse(request, openApiDocument(env.SITE_URL));
}

export const OPTIONS = preflightResponse;
