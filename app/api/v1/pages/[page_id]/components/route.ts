import { listComponents } from '@/lib/api-keys/operations';
import { apiRoute } from '@/lib/api-keys/request';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('editor', listComponents);
