// Operator HTTP interface on loopback: /healthz and /metrics without a token, /api/* with the
// admin bearer token. Every endpoint is in the contract (contracts/mta-admin-api.ts), which checks
// what comes in; the route table (route-table.ts) picks the handler (handlers.ts) or answers 404 or
// 405. Every error is JSON with a readable message.
import http from 'node:http';
import type { z } from 'zod';
import { mtaAdminApi, requiresToken, type EndpointSpec, type JsonEndpointName } from '#contracts/mta-admin-api';
import { tokensEqual } from '../tokens.js';
import { adminHandlers, type AdminDependencies, type JsonHandlers } from './handlers.js';
import { HttpError } from './http-error.js';
import { matchRoute } from './route-table.js';

export type { AdminDependencies };

const MAX_BODY_BYTES = 64 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  if (!type.startsWith('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    throw new HttpError(400, 'invalid_request', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
  return result.data;
}

export class AdminServer {
  readonly server: http.Server;
  private readonly handlers: JsonHandlers;

  constructor(private readonly d: AdminDependencies) {
    this.handlers = adminHandlers(d);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) {
          send(res, error.status, { error: error.code, message: error.message, ...(error.details ? { issues: error.details } : {}) }, error.headers);
        } else {
          d.log(`admin: ${(error as Error).message}`);
          send(res, 500, { error: 'internal_error', message: 'internal error, see the MTA log' });
        }
      });
    });
    this.server.requestTimeout = 30_000;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.d.config.http.port, this.d.config.http.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private authorize(req: http.IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || !tokensEqual(match[1]!, this.d.adminToken)) {
      throw new HttpError(401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>" (MTA_ADMIN_TOKEN or data/mta/admin-token)');
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mta.local');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    // Before the route table: without the token, nobody learns which /api/ paths exist.
    if (requiresToken(path)) this.authorize(req);

    const match = matchRoute(method, path);
    if (match.kind === 'none') throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`);
    if (match.kind === 'wrong-method') throw new HttpError(405, 'method_not_allowed', `${method} is not supported on ${path}`, undefined, { allow: match.allowed.join(', ') });

    if (match.name === 'metrics') {
      const text = await this.d.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': this.d.metrics.registry.contentType });
      res.end(text);
      return;
    }
    const name: JsonEndpointName = match.name;
    const spec: EndpointSpec = mtaAdminApi[name];
    const query = spec.query ? parse(spec.query, Object.fromEntries(url.searchParams)) : {};
    const body = spec.body ? parse(spec.body, await readJson(req)) : undefined;
    const handler = this.handlers[name] as (request: { params: unknown; query: unknown; body: unknown }) => ReturnType<JsonHandlers[JsonEndpointName]>;
    const answer = await handler({ params: match.params, query, body });
    send(res, answer.status ?? 200, answer.body);
  }
}
