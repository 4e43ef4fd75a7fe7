import { createIncidentOrMaintenance, listIncidents } from '@/lib/api-keys/operations';
import { apiRoute } from '@/lib/api-keys/request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('editor', listIncidents);
/** An incident, or maintenance when incident[status]=scheduled or incident[scheduled_for] is given. */
export const POST = apiRoute('editor', createIncidentOrMaintenance);
