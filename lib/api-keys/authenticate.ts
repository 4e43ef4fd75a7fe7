import 'server-only';
import type { AuditActor } from '../audit/log';
import { db } from '../db';
import { apiError } from './errors';
import { hashApiKey, parseAuthorization } from './key';

// Who is calling the write API (and the Alertmanager receiver): the key in the Authorization header,
// looked up by its hash. Keys are never logged nor kept in clear.

export interface ApiPrincipal {
  ok: true;
  keyId: string;
  name: string;
  prefix: string;
  role: 'editor' | 'admin';
  /** The components the key may touch; null = every component. */
  componentIds: string[] | null;
}

export interface ApiAuthError {
  ok: false;
  /** 401 with WWW-Authenticate: Bearer and a JSON body. */
  response: Response;
}

/** lastUsedAt is written at most this often, so a busy script does not cost a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

function unauthorized(error: string, description: string): ApiAuthError {
  return {
    ok: false,
    response: apiError(401, description, [], { 'WWW-Authenticate': `Bearer realm="tayori", error="${error}", error_description="${description}"` }),
  };
}

export async function authenticateApiKey(request: Request): Promise<ApiPrincipal | ApiAuthError> {
  const header = request.headers.get('authorization');
  if (!header) return unauthorized('invalid_request', 'An API key is required: Authorization: Bearer <key>');
  const key = parseAuthorization(header);
  if (!key) return unauthorized('invalid_token', 'The API key is not valid');
  const row = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(key) }, include: { components: { select: { componentId: true } } } });
  if (!row) return unauthorized('invalid_token', 'The API key is not valid');
  if (row.revokedAt) return unauthorized('invalid_token', 'The API key has been revoked');
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so that concurrent calls in the same minute write once.
    await db.apiKey.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: new Date(now) },
    });
  }
  return {
    ok: true,
    keyId: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role === 'admin' ? 'admin' : 'editor',
    componentIds: row.scoped ? row.components.map((c) => c.componentId) : null,
  };
}

/** The audit log's actor for calls made with a key: its prefix and name, never the key. */
export function auditActorFor(principal: Pick<ApiPrincipal, 'prefix' | 'name'>): AuditActor {
  return { id: null, email: `api-key:${principal.prefix} (${principal.name})` };
}
