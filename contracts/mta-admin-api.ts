// The bundled MTA's operator API (mta/admin/admin-server.ts), as its one contract: for every
// endpoint its method and path, the path parameters, query and JSON body it takes and the JSON it
// answers with. The MTA validates requests and types its answers with these schemas; the console's
// client (lib/mta/admin-client.ts) builds its requests and checks the answers with the same ones,
// so an MTA on another host that answers differently is a clear error, not a guessed field.
// tests/integration/mta/admin-contract.test.ts calls every endpoint of a real MTA against them.
import { z } from 'zod';
import { MAX_MESSAGE_ID, parseMessageId } from './message-id';
import { SCAN_POLICIES } from './rollup-schema';

export { SCAN_POLICIES };
export type ScanPolicy = (typeof SCAN_POLICIES)[number];

export const BLOCKLIST_KINDS = ['client', 'sender_domain', 'helo'] as const;
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number];

/** The actor of the blocklist entries and policy switches the MTA makes itself; nobody else may use it. */
export const AUTO_BLOCK_ACTOR = 'auto';

// ------------------------------------------------------------------------------ building blocks
const count = z.number().int().min(0);
const seconds = z.number().min(0);
const isoTime = z.iso.datetime({ offset: true });
const queueId = z.string().regex(/^[0-9A-Z]{1,40}$/);

/** Who made a change, for the MTA's event log (the console sends the staff member's address). */
const actor = z.string().trim().min(1).max(100).optional();

/** `?limit=`: at most 1000 rows; anything that is not a positive number means the default, 100. */
const limit = z
  .string()
  .optional()
  .transform((v) => Math.min(1000, Math.max(1, Number(v ?? 100) || 100)));

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  /** Which fields of a request were wrong (400 invalid_request). */
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

const scanResult = z.object({
  check: z.enum(['done', 'skipped', 'failed']),
  score: z.number().nullable(),
  spam: z.boolean(),
  virus: z.string().nullable(),
  scanners: z.array(z.string()),
  detail: z.string(),
});

export const queuedMessage = z.object({
  id: queueId,
  state: z.enum(['scan', 'scanning', 'deliver', 'delivering', 'deferred']),
  /** The envelope sender; "" for a bounce. */
  from: z.string(),
  /** Recipients still pending. */
  to: z.array(z.string()),
  client_ip: z.string(),
  size: count,
  age_s: seconds,
  attempts: count,
  next_attempt_at: isoTime.nullable(),
  last_error: z.string().nullable(),
  /**
   * "submission": the status site's own mail (notices, confirmations), submitted with its
   * credential, delivered ahead of the scan queue (docs/mta.md, "The priority lane"). Absent from
   * MTAs older than the lane: standard.
   */
  lane: z.enum(['submission', 'standard']).optional(),
});

/**
 * One destination of the outbound relay (docs/mta.md, "Per-destination limits"): the smarthost's or a
 * transport map entry's host:port, else a recipient domain.
 */
export const relayDestination = z.object({
  destination: z.string(),
  /** deliveries in flight */
  active: count,
  /** messages waiting for it to take them (busy, rate delay or held) */
  waiting: count,
  consecutive_failures: count,
  /** while held: when it is tried again */
  held_until: isoTime.nullable(),
  /** after a hold, until a delivery succeeds: one delivery at a time */
  probing: z.boolean(),
});

/** A message held in the quarantine (a virus) or kept as refused spam. */
const heldMessage = z.object({
  id: queueId,
  mail_from: z.string(),
  client_ip: z.string(),
  /** ms since the epoch */
  received_at: z.number().int(),
  scan_result: scanResult.nullable(),
});

export const blocklistEntry = z.object({
  id: z.number().int().positive(),
  kind: z.enum(BLOCKLIST_KINDS),
  value: z.string(),
  reason: z.string().nullable(),
  created_at: isoTime,
  /** AUTO_BLOCK_ACTOR for the entries the MTA makes itself when a client floods it. */
  created_by: z.string(),
  /** null: until an admin removes it. */
  expires_at: isoTime.nullable(),
});

const mtaEvent = z.object({
  id: z.number().int().positive(),
  at: isoTime,
  kind: z.string(),
  actor: z.string(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

const scanPolicyState = z.object({
  policy: z.enum(SCAN_POLICIES),
  /** Mail is delivered without the spam check right now (policy bypass, or auto while mail waits). */
  bypassing: z.boolean(),
  since: isoTime,
});

const hostedDomain = z.object({ name: z.string(), verify_recipients: z.boolean(), mailboxes: z.array(z.string()) });

/**
 * Where a traced message is for one recipient (the site's mail trace page): waiting for the spam
 * check, being checked, being delivered, delivered, deferred (a later attempt is planned), bounced
 * (returned as undeliverable) or held (not delivered: a virus, or spam over the reject score).
 */
export const TRACE_STAGES = ['scan_waiting', 'scanning', 'delivering', 'delivered', 'deferred', 'bounced', 'held'] as const;
export type TraceStage = (typeof TRACE_STAGES)[number];
/** Why a delivery was put off, by the class of the status only (never the remote server's text). */
export const DEFERRAL_REASONS = ['destination_unreachable', 'receiver_deferred', 'mailbox_full', 'mailbox_unavailable'] as const;
export type DeferralReason = (typeof DEFERRAL_REASONS)[number];

/** found: false for an unknown message and for a known one asked about with another recipient alike. */
export const traceAnswer = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    stage: z.enum(TRACE_STAGES),
    received_at: isoTime,
    scan_started_at: isoTime.nullable(),
    scan_ended_at: isoTime.nullable(),
    /** Delivered without the spam check (scan policy bypass). */
    scan_skipped: z.boolean(),
    delivered_at: isoTime.nullable(),
    /** From received to delivered. */
    delay_s: seconds.nullable(),
    /** The latest deferral; next_attempt_at only while the message is still deferred. */
    deferral: z.object({ reason: z.enum(DEFERRAL_REASONS), at: isoTime, next_attempt_at: isoTime.nullable(), attempts: count }).nullable(),
    /** When it was bounced or held. */
    finished_at: isoTime.nullable(),
  }),
]);
export type TraceAnswer = z.infer<typeof traceAnswer>;

// ------------------------------------------------------------------------------ endpoints
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EndpointSpec {
  method: Method;
  /** With `:name` for a path parameter. */
  path: string;
  /** One schema per path parameter; a value it refuses means the path names no such endpoint (404). */
  params?: Record<string, z.ZodType<unknown, string>>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The JSON of a successful answer, or the Prometheus text format. */
  response: z.ZodType | 'prometheus-text';
  /** Statuses of a successful answer. */
  success: readonly number[];
}

const spec = <const S extends EndpointSpec>(s: S) => s;

export const mtaAdminApi = {
  health: spec({
    method: 'GET',
    path: '/healthz',
    response: z.object({ status: z.literal('ok'), queue_depth: count, oldest_age_s: seconds, scan_policy: z.enum(SCAN_POLICIES), scan_bypassing: z.boolean() }),
    success: [200],
  }),
  metrics: spec({ method: 'GET', path: '/metrics', response: 'prometheus-text', success: [200] }),

  queue: spec({
    method: 'GET',
    path: '/api/queue',
    query: z.object({ limit }),
    response: z.object({
      depth: count,
      /** Waiting messages per state, and the quarantined ones. */
      by_state: z.record(z.string(), count),
      oldest_age_s: seconds,
      oldest_scan_wait_s: seconds,
      /** Who the waiting mail comes from, most first: what to put on the blocklist in a flood. */
      top_sources: z.object({
        client_ips: z.array(z.object({ client_ip: z.string(), queued: count })),
        sender_domains: z.array(z.object({ domain: z.string(), queued: count })),
      }),
      /** Oldest first. */
      messages: z.array(queuedMessage),
      quarantined: z.array(heldMessage),
      refused_as_spam: z.array(heldMessage),
      /** Busiest first. Absent from MTAs older than the per-destination limits. */
      destinations: z.array(relayDestination).optional(),
    }),
    success: [200],
  }),
  /** A waiting message (deferred, or not yet scanned or delivered), else a held one: deleted, nobody is told. */
  deleteMessage: spec({
    method: 'DELETE',
    path: '/api/queue/:id',
    params: { id: queueId },
    query: z.object({ actor }),
    response: z.object({ deleted: queueId }),
    success: [200],
  }),
  /** A waiting message returned to its sender, who gets a non-delivery notification with the reason. */
  bounceMessage: spec({
    method: 'POST',
    path: '/api/queue/:id/bounce',
    params: { id: queueId },
    body: z
      .object({ reason: z.string().trim().min(1, 'say why (the sender is told)').max(300).default('removed by the postmaster'), actor })
      .default({ reason: 'removed by the postmaster' }),
    response: z.object({ bounced: queueId }),
    success: [200],
  }),

  blocklist: spec({
    method: 'GET',
    path: '/api/blocklist',
    response: z.object({
      /** false with MTA_BLOCKLIST=off: entries are kept, and shown, but not applied. */
      enabled: z.boolean(),
      auto_block: z.object({
        enabled: z.boolean(),
        messages_per_minute: count,
        rejected_recipients_per_minute: count,
        auth_failures: count,
        auth_failure_window_minutes: seconds,
        minutes: seconds,
      }),
      entries: z.array(blocklistEntry),
    }),
    success: [200],
  }),
  block: spec({
    method: 'POST',
    path: '/api/blocklist',
    body: z.object({
      kind: z.enum(BLOCKLIST_KINDS),
      value: z.string().trim().min(1).max(255),
      reason: z.string().trim().max(500).optional(),
      // Without it the entry stays until removed.
      expires_in_minutes: z.number().positive().max(10 * 365 * 24 * 60).optional(),
      actor: actor.refine((a) => a !== AUTO_BLOCK_ACTOR, `"${AUTO_BLOCK_ACTOR}" is reserved for automatic entries`),
    }),
    /** 201 with a new entry; 200 when the value was listed already (created: false). */
    response: z.object({ entry: blocklistEntry, created: z.boolean() }),
    success: [200, 201],
  }),
  unblock: spec({
    method: 'DELETE',
    path: '/api/blocklist/:id',
    params: { id: z.string().regex(/^\d+$/).transform(Number) },
    query: z.object({ actor }),
    response: z.object({ removed: blocklistEntry }),
    success: [200],
  }),

  scanPolicy: spec({
    method: 'GET',
    path: '/api/scan-policy',
    response: scanPolicyState.extend({
      oldest_scan_wait_s: seconds,
      /** MTA_SCAN_POLICY=auto: skip the scan once mail has waited bypass_age_s for it, resume below resume_age_s. */
      auto: z.object({ bypass_age_s: seconds, resume_age_s: seconds, min_bypass_s: seconds }),
      /** The latest switches, newest first. */
      events: z.array(mtaEvent),
    }),
    success: [200],
  }),
  setScanPolicy: spec({
    method: 'PUT',
    path: '/api/scan-policy',
    body: z.object({ policy: z.enum(SCAN_POLICIES), reason: z.string().trim().min(1, 'say why (it is shown on the status site)').max(500), actor }),
    response: scanPolicyState.extend({ changed: z.boolean() }),
    success: [200],
  }),
  /** Deferred mail is tried again now. */
  flush: spec({
    method: 'POST',
    path: '/api/flush',
    body: z.object({ actor }).default({}),
    response: z.object({ flushed: count }),
    success: [200],
  }),

  mailboxes: spec({ method: 'GET', path: '/api/mailboxes', response: z.object({ domains: z.array(hostedDomain) }), success: [200] }),
  addMailbox: spec({
    method: 'POST',
    path: '/api/mailboxes',
    body: z.object({
      address: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9._+-]{1,64}@[a-z0-9.-]{1,253}$/, 'must be local@domain with letters, digits and . _ + -'),
      actor,
    }),
    response: z.object({ address: z.string(), created: z.boolean() }),
    success: [200, 201],
  }),
  /** The mailbox's password for SMTP AUTH (submission by customers). */
  setMailboxPassword: spec({
    method: 'PUT',
    path: '/api/mailboxes/:address/password',
    params: {
      address: z.string().transform((v, ctx) => {
        try {
          return decodeURIComponent(v).toLowerCase();
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not a URL-encoded address' });
          return z.NEVER;
        }
      }),
    },
    body: z.object({ password: z.string().min(12, 'must be at least 12 characters').max(200), actor }),
    response: z.object({ address: z.string(), smtp_auth: z.literal(true) }),
    success: [200],
  }),
  /** A hosted domain, created or changed. */
  putDomain: spec({
    method: 'PUT',
    path: '/api/domains/:name',
    params: { name: z.string().regex(/^[a-z0-9.-]{1,253}$/i).transform((v) => v.toLowerCase()) },
    body: z.object({ verify_recipients: z.boolean(), actor }),
    response: hostedDomain,
    success: [200],
  }),

  /** The MTA's event log (operators' changes, automatic blocks, policy switches), newest first. */
  events: spec({
    method: 'GET',
    path: '/api/events',
    query: z.object({ limit, kind: z.string().optional() }),
    response: z.object({ events: z.array(mtaEvent) }),
    success: [200],
  }),
  /**
   * Where a message is, found by its Message-ID and one recipient together (POST, so that neither
   * ends up in a URL or an access log). Both are needed: the MTA keeps only a keyed hash of the pair.
   */
  traceMessage: spec({
    method: 'POST',
    path: '/api/trace',
    body: z.object({
      message_id: z.string().max(MAX_MESSAGE_ID + 64).transform((v, ctx) => {
        const parsed = parseMessageId(v);
        if (parsed.ok) return parsed.value;
        ctx.addIssue({ code: 'custom', message: 'must be a Message-ID (RFC 5322 msg-id, at most 998 characters)' });
        return z.NEVER;
      }),
      recipient: z.string().trim().toLowerCase().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'must be an address'),
    }),
    response: traceAnswer,
    success: [200],
  }),
} as const satisfies Record<string, EndpointSpec>;

export type MtaAdminApi = typeof mtaAdminApi;
export type EndpointName = keyof MtaAdminApi;
export type JsonEndpointName = { [N in EndpointName]: MtaAdminApi[N]['response'] extends z.ZodType ? N : never }[EndpointName];

type SchemaIn<S> = S extends z.ZodType ? z.input<S> : never;
type SchemaOut<S> = S extends z.ZodType ? z.output<S> : never;
type ParamsOf<E> = E extends { params: infer P } ? { [K in keyof P]: SchemaOut<P[K]> } : never;

/** What a handler of endpoint N is given (validated) and answers with. */
export type RequestOf<N extends EndpointName> = {
  params: MtaAdminApi[N] extends { params: object } ? ParamsOf<MtaAdminApi[N]> : Record<string, never>;
  query: MtaAdminApi[N] extends { query: infer Q } ? SchemaOut<Q> : Record<string, never>;
  body: MtaAdminApi[N] extends { body: infer B } ? SchemaOut<B> : undefined;
};
export type ResponseOf<N extends JsonEndpointName> = SchemaOut<MtaAdminApi[N]['response']>;

/** What a caller of endpoint N sends: path parameters as they go into the path, query and body as the schemas take them. */
export type CallOf<N extends EndpointName> = (MtaAdminApi[N] extends { params: infer P } ? { params: { [K in keyof P]: string | number } } : { params?: undefined }) &
  (MtaAdminApi[N] extends { query: infer Q } ? { query?: Partial<Record<keyof SchemaIn<Q>, string>> } : { query?: undefined }) &
  (MtaAdminApi[N] extends { body: infer B } ? { body?: SchemaIn<B> } : { body?: undefined });

/** `/api/*` takes the admin token; /healthz and /metrics are open (loopback monitoring). */
export function requiresToken(path: string): boolean {
  return path.startsWith('/api/');
}

/** The path of endpoint `name` with its parameters filled in (URL-encoded). */
export function pathOf(name: EndpointName, params: Record<string, string | number> = {}): string {
  return mtaAdminApi[name].path.replace(/:(\w+)/g, (_, key: string) => {
    if (!(key in params)) throw new Error(`${name}: missing path parameter ${key}`);
    return encodeURIComponent(String(params[key]));
  });
}

export type QueuedMessageSummary = z.infer<typeof queuedMessage>;
export type BlocklistEntry = z.infer<typeof blocklistEntry>;
