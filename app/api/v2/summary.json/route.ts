import { arrivalEstimateJson } from '@/lib/api/arrival-estimate';
import { jsonError, jsonResponse, preflightResponse, requestLang } from '@/lib/api/http';
import { summaryDocument } from '@/lib/api/statuspage';
import { getStatuspageSnapshot } from '@/lib/api/statuspage-data';
import { getArrivalEstimate } from '@/lib/metrics/arrival-queries';

// Statuspage's /api/v2/summary.json: components, unresolved incidents, upcoming and active maintenance, overall status,
// and Tayori's arrival estimate while inbound mail is delayed (docs/api.md).
// Rendered per request because ?lang chooses the language; the data behind it is cached
// (tags components/incidents/metrics, revalidate 30 s and 10 s), so a request costs no database query.
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const lang = requestLang(request);
  if (!lang) return jsonError(400, 'lang must be "ja" or "en"');
  const [snapshot, estimate] = await Promise.all([getStatuspageSnapshot(), getArrivalEstimate()]);
  return jsonResponse(request, { ...summaryDocument(snapshot, lang), tayori_arrival_estimate: arrivalEstimateJson(estimate, lang) });
}

export const OPTIONS = preflightResponse;
