import 'server-only';
import { pageId } from '../api/statuspage';
import { audit } from '../audit/log';
import { clientIp } from '../http/client-address';
import { BodyTooLargeError, readBodyLimited } from '../http/read-body';
import { auditActorFor, authenticateApiKey, type ApiPrincipal } from './authenticate';
import { apiError } from './errors';
import { FormShapeError, parseBracketForm } from './form';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey, requestHash } from './idempotency';

// The write API's request pipeline, in the order a client's mistakes are reported:
// key (401) → page (404) → role (403) → content type (415) → size (413) → body (400) →
// Idempotency-Key (409/422, or the stored answer) → the handler, whose refusals are ApiProblems.

export const MAX_BODY_BYTES = 64 * 1024;

/** A refusal from inside a handler: thrown before anything is written. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export interface ApiCall {
  principal: ApiPrincipal;
  request: Request;
  /** The parsed body (JSON, or a bracketed form as an object); {} when there is none. */
  body: Record<string, unknown>;
  params: Record<string, string>;
  /** Writes the call into the audit log with the key as actor. */
  audit: (action: string, target: { type?: string; id?: string }, details?: Record<string, unknown>) => Promise<void>;
}

type Handler = (call: ApiCall) => Promise<Response>;
type RouteContext = { params: Promise<Record<string, string>> };

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Statuspage's idempotency applies to creating; Tayori also protects updates, whose notices must not go twice. */
const IDEMPOTENT_METHODS = new Set(['POST', 'PATCH', 'PUT']);

export function apiRoute(role: 'editor' | 'admin', handler: Handler) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      return await handle(request, await context.params, role, handler);
    } catch (error) {
      if (error instanceof ApiProblem) return apiError(error.status, error.message, error.details);
      console.error(`api/v1: ${request.method} ${new URL(request.url).pathname} failed:`, error);
      return apiError(500, 'The request could not be applied; nothing was changed. Try again.');
    }
  };
}

async function handle(request: Request, params: Record<string, string>, role: 'editor' | 'admin', handler: Handler): Promise<Response> {
  const principal = await authenticateApiKey(request);
  if (!principal.ok) return principal.response;
  if (params.page_id !== pageId()) return apiError(404, 'No such page', [`page_id ${params.page_id} is not this site's page id (GET /api/v2/summary.json shows it)`]);
  if (role === 'admin' && principal.role !== 'admin') return apiError(403, 'This call needs a key with the admin role', [`key ${principal.prefix} has the role ${principal.role}`]);

  const method = request.method.toUpperCase();
  let raw = '';
  let body: Record<string, unknown> = {};
  if (WRITE_METHODS.has(method)) {
    const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const hasBody = request.headers.get('content-length') !== '0' && request.body !== null;
    if (type && type !== 'application/json' && type !== 'application/x-www-form-urlencoded') {
      return apiError(415, 'Send the body as application/json or application/x-www-form-urlencoded', [`Content-Type ${type} is not accepted`]);
    }
    try {
      raw = hasBody ? await readBodyLimited(request, MAX_BODY_BYTES) : '';
    } catch (error) {
      if (error instanceof BodyTooLargeError) return apiError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`);
      throw error;
    }
    if (raw && !type) return apiError(415, 'Send the body as application/json or application/x-www-form-urlencoded', ['Content-Type is missing']);
    try {
      body = raw ? parseBody(raw, type) : {};
    } catch (error) {
      return apiError(400, 'The body could not be read', [error instanceof Error ? error.message : String(error)]);
    }
  }

  const ip = await clientIp().catch(() => undefined);
  const call: ApiCall = {
    principal,
    request,
    body,
    params,
    audit: (action, target, details = {}) => audit(auditActorFor(principal), action, target, { ...details, via: 'api', method, path: new URL(request.url).pathname }, ip),
  };

  const idempotencyKey = request.headers.get('idempotency-key');
  if (!idempotencyKey || !IDEMPOTENT_METHODS.has(method)) return handler(call);

  const claim = await claimIdempotencyKey(principal.keyId, idempotencyKey, requestHash(method, new URL(request.url).pathname, raw));
  switch (claim.kind) {
    case 'invalid_key':
      return apiError(422, 'Idempotency-Key must be 1 to 255 visible ASCII characters');
    case 'mismatch':
      return apiError(422, 'This Idempotency-Key was already used for a different request', ['use a new key for a new request']);
    case 'in_progress':
      return apiError(409, 'A request with this Idempotency-Key is still being applied', ['retry in a moment to get its answer']);
    case 'replay':
      return new Response(claim.answer.body, {
        status: claim.answer.status,
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Idempotent-Replayed': 'true' },
      });
    case 'claimed':
      break;
  }
  let response: Response;
  try {
    response = await handler(call);
  } catch (error) {
    // Refused or failed before anything was applied: the same key may be sent again.
    await releaseIdempotencyKey(claim.recordId);
    throw error;
  }
  await completeOrRelease(claim.recordId, response);
  return response;
}

/** Answers below 500 are final and replayed; a server error frees the key for a retry. */
async function completeOrRelease(recordId: string, response: Response): Promise<void> {
  if (response.status >= 500) return releaseIdempotencyKey(recordId);
  const text = await response.clone().text();
  await completeIdempotencyKey(recordId, { status: response.status, body: text }).catch(() => undefined);
}

function parseBody(raw: string, type: string): Record<string, unknown> {
  if (type === 'application/x-www-form-urlencoded') {
    try {
      return parseBracketForm(raw);
    } catch (error) {
      if (error instanceof FormShapeError) throw error;
      throw new Error('the form body is malformed');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

