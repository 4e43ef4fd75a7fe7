import { statuspageRoute } from '@/lib/api/route';
import { upcomingMaintenancesDocument } from '@/lib/api/statuspage';

// Statuspage's /api/v2/scheduled-maintenances/upcoming.json: maintenance announced, not started.
// Rendered per request because ?lang chooses the language; the data behind it is cached
// (tags components/incidents, revalidate 30 s), so a request costs no database query.
export const dynamic = 'force-dynamic';

export const { GET, OPTIONS } = statuspageRoute(upcomingMaintenancesDocument);
