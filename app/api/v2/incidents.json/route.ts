import { statuspageRoute } from '@/lib/api/route';
import { incidentsDocument } from '@/lib/api/statuspage';

// Statuspage's /api/v2/incidents.json: the 50 most recent published incidents.
// Rendered per request because ?lang chooses the language; the data behind it is cached
// (tags components/incidents, revalidate 30 s), so a request costs no database query.
export const dynamic = 'force-dynamic';

export const { GET, OPTIONS } = statuspageRoute(incidentsDocument);
