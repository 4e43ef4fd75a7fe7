import { cacheableResponse, jsonError, preflightResponse, requestLang } from '@/lib/api/http';
import { statusBadge } from '@/lib/api/status-badge';
import { getStatuspageSnapshot } from '@/lib/api/statuspage-data';

// /badge.svg: the overall status as a shields-style badge; ?component=<slug> for one component,
// ?lang=en for English. Per request because of the query; the data behind it is cached, so a
// request costs no database query. A fixed route, so the Japanese rewrite (afterFiles) never sees it.
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const lang = requestLang(request);
  if (!lang) return jsonError(400, 'lang must be "ja" or "en"');
  const component = new URL(request.url).searchParams.get('component');
  const svg = statusBadge(await getStatuspageSnapshot(), lang, component);
  if (svg === null) return jsonError(404, 'unknown component');
  return cacheableResponse(request, svg, 'image/svg+xml; charset=utf-8');
}

export const OPTIONS = preflightResponse;
