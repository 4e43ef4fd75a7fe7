import { NO_STORE } from '@/lib/http/cache-control';
import { clientIp } from '@/lib/http/client-address';
import { BodyTooLargeError, readBodyLimited } from '@/lib/http/read-body';
import { lookUpMail } from '@/lib/mail-trace/lookup';

// "Where is my mail?" for programs (the page's form uses a server action): POST a JSON body
// {"message_id": "…", "recipient": "…"}; the answer is the MTA's (contracts/mta-admin-api.ts,
// traceAnswer), 400 naming the wrong fields, 429 past the client's hourly allowance, 503 when the
// MTA cannot be asked. A POST, so that neither value ends up in a URL or an access log.

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': NO_STORE };
const error = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => Response.json({ error: code, message, ...extra }, { status, headers });

export async function POST(request: Request) {
  let body: unknown;
  try {
    body = JSON.parse(await readBodyLimited(request, 8192));
  } catch (failure) {
    if (failure instanceof BodyTooLargeError) return error(413, 'body_too_large', 'the request body is over 8192 bytes');
    return error(400, 'invalid_json', 'send a JSON object: {"message_id": "<…>", "recipient": "…"}');
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const outcome = await lookUpMail({ messageId: text(fields.message_id), recipient: text(fields.recipient) }, await clientIp());
  switch (outcome.kind) {
    case 'invalid': {
      const issues = Object.entries({ message_id: outcome.errors.messageId, recipient: outcome.errors.recipient })
        .filter(([, code]) => code)
        .map(([field, code]) => ({ field, code }));
      return error(400, 'invalid_request', `wrong or missing: ${issues.map((i) => `${i.field} (${i.code})`).join(', ')}`, { issues });
    }
    case 'rate_limited':
      return error(429, 'rate_limited', 'too many lookups from this address; try again within the hour');
    case 'unavailable':
      return error(503, 'mta_unavailable', 'the mail system cannot be asked right now; try again later');
    case 'answer':
      return Response.json(outcome.trace, { headers });
  }
}
