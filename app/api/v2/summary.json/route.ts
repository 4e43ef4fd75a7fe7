import { statuspageRoute } from '@/lib/api/route';
import { summaryDocument } from '@/lib/api/statuspage';

// Statuspage's /api/v2/summary.json: components, unresolved incidents, upcoming and active maintenance, overall status.
// Rendered per request because ?lang chooses the language; the data behind it is cached
// (tags components/incidents, revalidate 30 s), so a request costs no database query.
export const dynamic = 'force-dynamic';

export const { GET, OPTIONS } = statuspageRoute(summaryDocument);
