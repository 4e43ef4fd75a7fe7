// Operator HTTP interface on loopback: /healthz and /metrics without a token, /api/* with the
// admin bearer token. Inputs are checked with zod; every error is JSON with a readable message.
import http from 'node:http';
import { z } from 'zod';
import { scanPolicies, type MtaConfig } from '../config.js';
import type { MtaMetrics } from '../metrics/metrics.js';
import { AUTO_BLOCK_ACTOR } from '../policy/auto-block.js';
import { normalizeBlocklistValue } from '../policy/blocklist.js';
import type { BlocklistKeeper } from '../policy/blocklist-keeper.js';
import { hashPassword } from '../policy/credentials.js';
import type { RecipientPolicy } from '../policy/recipient-policy.js';
import type { QueueManager } from '../queue/queue-manager.js';
import type { ScanPolicyController } from '../scan/scan-policy.js';
import type { Spool } from '../spool/spool.js';
import type { StateStore } from '../state/state-store.js';
import { tokensEqual } from '../tokens.js';

const MAX_BODY_BYTES = 64 * 1024;

export interface AdminDependencies {
  config: MtaConfig;
  adminToken: string;
  store: StateStore;
  spool: Spool;
  queue: QueueManager;
  policy: ScanPolicyController;
  blocklist: BlocklistKeeper;
  recipients: RecipientPolicy;
  metrics: MtaMetrics;
  log: (line: string) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const actor = z.string().trim().min(1).max(100).optional();
const blocklistInput = z.object({
  kind: z.enum(['client', 'sender_domain', 'helo']),
  value: z.string().trim().min(1).max(255),
  reason: z.string().trim().max(500).optional(),
  // Without it the entry stays until removed.
  expires_in_minutes: z.number().positive().max(10 * 365 * 24 * 60).optional(),
  // "auto" marks the entries the MTA makes itself; the console shows those differently.
  actor: actor.refine((a) => a !== AUTO_BLOCK_ACTOR, `"${AUTO_BLOCK_ACTOR}" is reserved for automatic entries`),
});
const scanPolicyInput = z.object({
  policy: z.enum(scanPolicies),
  reason: z.string().trim().min(1, 'say why (it is shown on the status site)').max(500),
  actor,
});
const mailboxInput = z.object({
  address: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._+-]{1,64}@[a-z0-9.-]{1,253}$/, 'must be local@domain with letters, digits and . _ + -'),
  actor,
});
const domainInput = z.object({ verify_recipients: z.boolean(), actor });
const passwordInput = z.object({ password: z.string().min(12, 'must be at least 12 characters').max(200), actor });
const flushInput = z.object({ actor }).default({});
// The reason goes into the non-delivery notification the sender receives.
const bounceInput = z.object({ reason: z.string().trim().min(1, 'say why (the sender is told)').max(300).default('removed by the postmaster'), actor }).default({ reason: 'removed by the postmaster' });

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
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

  constructor(private readonly d: AdminDependencies) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) {
          send(res, error.status, { error: error.code, message: error.message, ...(error.details ? { issues: error.details } : {}) });
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
    const { queue, policy, store, spool, metrics } = this.d;

    if (path === '/healthz' && method === 'GET') {
      const snap = queue.snapshot();
      return send(res, 200, { status: 'ok', queue_depth: snap.depth, oldest_age_s: Math.round(snap.oldestAgeS * 10) / 10, scan_policy: policy.state.policy, scan_bypassing: policy.bypassing });
    }
    if (path === '/metrics' && method === 'GET') {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (!path.startsWith('/api/')) throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`);
    this.authorize(req);
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readJson(req);

    const route = `${method} ${path}`;
    if (route === 'GET /api/queue') {
      const snap = queue.snapshot();
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      return send(res, 200, {
        depth: snap.depth,
        by_state: snap.byState,
        oldest_age_s: Math.round(snap.oldestAgeS * 10) / 10,
        oldest_scan_wait_s: Math.round(snap.oldestScanWaitS * 10) / 10,
        top_sources: queue.topSources(),
        messages: queue.list(limit),
        quarantined: spool.listHeld('quarantined', limit),
        refused_as_spam: spool.listHeld('discarded', limit),
      });
    }
    const heldItem = /^\/api\/queue\/([0-9A-Z]{1,40})$/.exec(path);
    if (heldItem && method === 'DELETE') {
      // A waiting message (deferred, or not yet scanned or delivered), else a held one.
      const id = heldItem[1]!;
      const actor = url.searchParams.get('actor') ?? 'admin-api';
      const outcome = await queue.remove(id);
      if (outcome === 'busy') throw new HttpError(409, 'busy', `message ${id} is being scanned or delivered right now; try again in a moment`);
      if (outcome === 'not_found') {
        if (!(await spool.deleteHeld(id))) throw new HttpError(404, 'not_found', `no message ${id} in the queue, the quarantine or the refused spam`);
        this.d.log(`${id}: deleted from the quarantine`);
      }
      store.recordEvent('queue', actor, null, { action: 'delete', id });
      return send(res, 200, { deleted: id });
    }
    const bounceItem = /^\/api\/queue\/([0-9A-Z]{1,40})\/bounce$/.exec(path);
    if (bounceItem && method === 'POST') {
      const input = parse(bounceInput, body ?? {});
      const id = bounceItem[1]!;
      const outcome = await queue.returnToSender(id, input.reason);
      if (outcome === 'busy') throw new HttpError(409, 'busy', `message ${id} is being scanned or delivered right now; try again in a moment`);
      if (outcome === 'not_found') throw new HttpError(404, 'not_found', `no message ${id} waiting in the queue`);
      store.recordEvent('queue', input.actor ?? 'admin-api', input.reason, { action: 'bounce', id });
      return send(res, 200, { bounced: id });
    }
    if (route === 'GET /api/blocklist') {
      const { policy: settings } = this.d.config;
      return send(res, 200, {
        // false with MTA_BLOCKLIST=off: entries are kept, and shown, but not applied.
        enabled: settings.blocklist,
        auto_block: {
          enabled: settings.autoBlock.enabled,
          messages_per_minute: settings.autoBlock.messagesPerMinute,
          rejected_recipients_per_minute: settings.autoBlock.rejectedRecipientsPerMinute,
          auth_failures: settings.autoBlock.authFailures,
          auth_failure_window_minutes: settings.authThrottle.windowMs / 60_000,
          minutes: settings.autoBlock.durationMs / 60_000,
        },
        entries: this.d.blocklist.entries(),
      });
    }
    if (route === 'POST /api/blocklist') {
      const input = parse(blocklistInput, body);
      const normalized = normalizeBlocklistValue(input.kind, input.value);
      if ('error' in normalized) throw new HttpError(400, 'invalid_request', `value: ${normalized.error}`);
      const expiresAt = input.expires_in_minutes === undefined ? null : new Date(Date.now() + input.expires_in_minutes * 60_000);
      const { entry, outcome } = this.d.blocklist.add({ kind: input.kind, value: normalized.value, reason: input.reason ?? null, actor: input.actor ?? 'admin-api', expiresAt });
      return send(res, outcome === 'created' ? 201 : 200, { entry, created: outcome === 'created' });
    }
    const blocklistItem = /^\/api\/blocklist\/(\d+)$/.exec(path);
    if (blocklistItem && method === 'DELETE') {
      const removed = this.d.blocklist.remove(Number(blocklistItem[1]), url.searchParams.get('actor') ?? 'admin-api');
      if (!removed) throw new HttpError(404, 'not_found', `no blocklist entry with id ${blocklistItem[1]}`);
      return send(res, 200, { removed });
    }
    if (route === 'GET /api/scan-policy') {
      return send(res, 200, {
        ...policy.state,
        oldest_scan_wait_s: Math.round(queue.snapshot().oldestScanWaitS * 10) / 10,
        auto: {
          bypass_age_s: this.d.config.scan.autoBypassAgeMs / 1000,
          resume_age_s: this.d.config.scan.autoResumeAgeMs / 1000,
          min_bypass_s: this.d.config.scan.autoMinBypassMs / 1000,
        },
        events: store.listEvents(20, 'scan_policy'),
      });
    }
    if (route === 'PUT /api/scan-policy') {
      const input = parse(scanPolicyInput, body);
      const result = policy.set(input.policy, input.actor ?? 'admin-api', input.reason);
      return send(res, 200, { changed: result.changed, ...result.state });
    }
    if (route === 'POST /api/flush') {
      const input = parse(flushInput, body ?? {});
      const flushed = await queue.flush();
      store.recordEvent('flush', input.actor ?? 'admin-api', null, { flushed });
      this.d.log(`flush: ${flushed} deferred messages retried now`);
      return send(res, 200, { flushed });
    }
    if (route === 'GET /api/mailboxes') return send(res, 200, { domains: store.listDomains() });
    if (route === 'POST /api/mailboxes') {
      const input = parse(mailboxInput, body);
      const [local, domain] = input.address.split('@') as [string, string];
      if (!this.d.recipients.isHosted(domain)) throw new HttpError(404, 'not_found', `${domain} is not a hosted domain; create it with PUT /api/domains/${domain}`);
      const created = store.addMailbox(domain, local);
      this.d.recipients.load(store.listDomains());
      if (created) store.recordEvent('mailbox', input.actor ?? 'admin-api', null, { action: 'add', address: input.address });
      return send(res, created ? 201 : 200, { address: input.address, created });
    }
    const passwordItem = /^\/api\/mailboxes\/([^/]+)\/password$/.exec(path);
    if (passwordItem && method === 'PUT') {
      const input = parse(passwordInput, body);
      const address = decodeURIComponent(passwordItem[1]!).toLowerCase();
      const [local, domain] = address.split('@') as [string, string | undefined];
      if (!domain || !this.d.recipients.mailboxExists(domain, local)) throw new HttpError(404, 'not_found', `${address} is not a hosted mailbox`);
      store.setPasswordHash(address, await hashPassword(input.password));
      store.recordEvent('mailbox', input.actor ?? 'admin-api', null, { action: 'set-password', address });
      return send(res, 200, { address, smtp_auth: true });
    }
    const domainItem = /^\/api\/domains\/([a-z0-9.-]{1,253})$/i.exec(path);
    if (domainItem && method === 'PUT') {
      const input = parse(domainInput, body);
      const name = domainItem[1]!.toLowerCase();
      store.upsertDomain(name, input.verify_recipients);
      this.d.recipients.load(store.listDomains());
      store.recordEvent('domain', input.actor ?? 'admin-api', null, { domain: name, verify_recipients: input.verify_recipients });
      this.d.log(`domain ${name}: recipient verification ${input.verify_recipients ? 'on' : 'off'}`);
      return send(res, 200, store.listDomains().find((d) => d.name === name));
    }
    if (route === 'GET /api/events') {
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      return send(res, 200, { events: store.listEvents(limit, url.searchParams.get('kind') ?? undefined) });
    }
    const known = ['/api/queue', '/api/blocklist', '/api/scan-policy', '/api/flush', '/api/mailboxes', '/api/events'];
    if (known.includes(path) || blocklistItem || domainItem || passwordItem || heldItem || bounceItem) throw new HttpError(405, 'method_not_allowed', `${method} is not supported on ${path}`);
    throw new HttpError(404, 'not_found', `no such endpoint: ${method} ${path}`);
  }
}
