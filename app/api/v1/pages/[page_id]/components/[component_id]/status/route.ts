import { clearComponentStatus } from '@/lib/api-keys/operations';
import { apiRoute } from '@/lib/api-keys/request';

export const dynamic = 'force-dynamic';

/** Clears the status set through the API or the console: the component follows its rule again. */
export const DELETE = apiRoute('editor', clearComponentStatus);
