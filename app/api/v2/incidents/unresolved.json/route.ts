import { statuspageRoute } from '@/lib/api/route';
import { unresolvedIncidentsDocument } from '@/lib/api/statuspage';

// Statuspage's /api/v2/incidents/unresolved.json: published incidents not yet resolved.
// Rendered per request because ?lang chooses the language; the data behind it is cached
// (tags components/incidents, revalidate 30 s), so a request costs no database query.
export const dynamic = 'force-dynamic';

export const { GET, OPTIONS } = statuspageRoute(unresolvedIncidentsDocument);
