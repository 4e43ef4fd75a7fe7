import { getIncident, unpublishIncident, updateIncident } from '@/lib/api-keys/operations';
import { apiRoute } from '@/lib/api-keys/request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('editor', getIncident);
export const PATCH = apiRoute('editor', updateIncident);
export const PUT = apiRoute('editor', updateIncident);
/** Takes the incident off the public pages (its history is kept): admin keys only. */
export const DELETE = apiRoute('admin', unpublishIncident);
