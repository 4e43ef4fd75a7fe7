import { NO_STORE } from '@/lib/http/cache-control';
import { removeWebhook } from '@/lib/webhooks/register';

// POST /api/webhooks/remove?token=<removal token shown at registration>
export async function POST(request: Request) {
  const removed = await removeWebhook(new URL(request.url).searchParams.get('token') ?? '');
  return Response.json({ removed }, { status: removed ? 200 : 404, headers: { 'Cache-Control': NO_STORE } });
}
