import { getComponent, updateComponent } from '@/lib/api-keys/operations';
import { apiRoute } from '@/lib/api-keys/request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('editor', getComponent);
export const PATCH = apiRoute('editor', updateComponent);
export const PUT = apiRoute('editor', updateComponent);
