import { NO_STORE } from '@/lib/http/cache-control';
import { BodyTooLargeError, readBodyLimited } from '@/lib/http/read-body';
import { unsubscribe, unsubscribePageUrl } from '@/lib/subscribers/subscribe';

// RFC 8058 one-click unsubscribe: the mail client POSTs "List-Unsubscribe=One-Click" to the URL in
// the List-Unsubscribe header, without cookies or a page. A GET (a person, or a client without
// RFC 8058) is sent to the page that asks first, since link scanners issue GETs too.

const noStore = { 'Cache-Control': NO_STORE };

export async function POST(request: Request) {
  const token = new URL(request.url).searchParams.get('token') ?? '';
  let body: string;
  try {
    body = await readBodyLimited(request, 4096);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return new Response('request body too large\n', { status: 413, headers: noStore });
    throw error;
  }
  // Both encodings a client may use: form-urlencoded or multipart with the same field.
  if (!/List-Unsubscribe=One-Click/.test(body) && !/name="List-Unsubscribe"[\s\S]*One-Click/.test(body)) {
    return new Response('expected List-Unsubscribe=One-Click\n', { status: 400, headers: noStore });
  }
  if (!(await unsubscribe(token))) return new Response('unknown or revoked link\n', { status: 404, headers: noStore });
  return new Response('unsubscribed\n', { status: 200, headers: { ...noStore, 'Content-Type': 'text/plain; charset=utf-8' } });
}

// The page is on SITE_URL, in the subscriber's language: the request's own URL carries the Host
// it was sent with, which behind a proxy is the upstream's (http://localhost:3000).
export async function GET(request: Request) {
  const token = new URL(request.url).searchParams.get('token') ?? '';
  return new Response(null, { status: 303, headers: { ...noStore, Location: await unsubscribePageUrl(token.slice(0, 200)) } });
}
