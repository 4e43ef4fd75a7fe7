import { NO_STORE } from '@/lib/http/cache-control';
import { confirmWebhook } from '@/lib/webhooks/register';

// The confirm_url sent to a newly registered webhook: opening it (GET) activates the endpoint.
export async function GET(request: Request) {
  const result = await confirmWebhook(new URL(request.url).searchParams.get('token') ?? '');
  const status = result === 'confirmed' ? 200 : result === 'expired' ? 410 : 404;
  return Response.json({ result }, { status, headers: { 'Cache-Control': NO_STORE } });
}
