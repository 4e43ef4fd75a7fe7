import { z } from 'zod';
import { addressRangesProblem } from './http/forwarded';
import { DEFAULT_SEVERITY_MAP, parseSeverityMap } from './alertmanager/severity';

// The only reader of process.env. Every variable has a default that makes `npm start` work with
// no configuration; a bad value stops start-up with a message naming the variable.
const schema = z.object({
  /** "file:…" for SQLite (the default), "postgresql://…" for PostgreSQL (lib/db-client.ts). */
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with "file:" (SQLite) or "postgresql://" / "postgres://" (PostgreSQL)')
    .default('file:./data/tayori.db'),
  SITE_URL: z.url().default('http://127.0.0.1:3000'),
  /**
   * Proxies whose X-Forwarded-For, X-Real-IP, X-Forwarded-Proto and X-Forwarded-Host the site
   * believes: addresses or CIDR ranges, comma-separated (lib/http/forwarded.ts). None by default.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .superRefine((value, ctx) => {
      const problem = addressRangesProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; expected addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8` });
    }),
  SITE_NAME_JA: z.string().min(1).default('Tayori ステータス'),
  SITE_NAME_EN: z.string().min(1).default('Tayori Status'),
  /** Whose status page this is: the provider's name per language (unset: not shown), its site and support contact. */
  SITE_PROVIDER_NAME_JA: z.string().max(100).optional(),
  SITE_PROVIDER_NAME_EN: z.string().max(100).optional(),
  SITE_PROVIDER_URL: z.url().refine((u) => u.startsWith('https://'), 'must be an https:// URL').optional(),
  SITE_SUPPORT_URL: z.url().refine((u) => u.startsWith('https://'), 'must be an https:// URL').optional(),
  SITE_SUPPORT_EMAIL: z.email().optional(),
  /** Statuspage-style page id in the JSON API; derived from SITE_URL when unset, so it never changes by itself. */
  SITE_PAGE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "-" and "_" only').optional(),
  SITE_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Tokyo')
    .default('Asia/Tokyo'),
  PAGE_REVALIDATE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  INGEST_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DATA_DIR: z.string().min(1).default('data'),
  TAYORI_QUERY_LOG: z.string().optional(),
  /** Publish automatic incidents at once (true) or keep them as drafts for staff (false). */
  AUTO_PUBLISH: z.stringbool().default(true),
  /** Healthy minutes after which an automatic incident in "monitoring" is resolved. */
  AUTO_RESOLVE_MINUTES: z.coerce.number().min(0).max(1440).default(30),
  /**
   * How often the worker evaluates the metric rules (new windows, no data, resolution) and moves
   * maintenance on, and how often each site instance looks for status changes to show.
   */
  RULE_TICK_SECONDS: z.coerce.number().int().min(1).max(300).default(2),
  /** Late mail changes a status only once this many messages are that late (lib/metrics/signals.ts). */
  RULE_MIN_LATE_MESSAGES: z.coerce.number().int().min(1).max(10_000).default(5),
  /** …and this percentage of a window's mail, delivered and waiting (5: the window's p95). */
  RULE_LATE_SHARE_PERCENT: z.coerce.number().min(0).max(100).default(5),
  /** Outbound mail is late for customers only when it waits for at least this many destination domains… */
  RULE_OUTBOUND_MIN_DESTINATIONS: z.coerce.number().int().min(1).max(10_000).default(3),
  /** …making up this percentage of the domains that had mail in the last 10 minutes. */
  RULE_OUTBOUND_DESTINATION_SHARE_PERCENT: z.coerce.number().min(0).max(100).default(50),
  /** Hours a staff session lasts after sign-in. */
  STAFF_SESSION_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(12),
  /** Hours a password set-up link stays valid. */
  STAFF_SETUP_LINK_HOURS: z.coerce.number().min(0.01).max(24 * 14).default(24),
  /** The bundled MTA's admin API, for the console's mail-system controls. */
  MTA_ADMIN_URL: z.url().default('http://127.0.0.1:2580'),
  MTA_ADMIN_TOKEN: z.string().min(16).optional(),
  METRICS_RETENTION_RAW_DAYS: z.coerce.number().min(0.01).default(2),
  METRICS_RETENTION_1M_DAYS: z.coerce.number().min(1).default(30),
  METRICS_RETENTION_1H_DAYS: z.coerce.number().min(1).default(400),

  // Notices to subscribers (lib/subscribers, lib/notices, lib/webhooks).
  /** Where notices are sent: the bundled MTA on loopback unless another SMTP server is given. */
  SMTP_URL: z.url().refine((u) => /^smtps?:/.test(u), 'must be an smtp:// or smtps:// URL').default('smtp://127.0.0.1:2525'),
  /** Address notices come from; the display name is the site's name in the subscriber's language. */
  /** Unset: status@<SITE_URL's host> (lib/site/mail-identity.ts). */
  NOTICE_FROM_ADDRESS: z.email().optional(),
  NOTICE_REPLY_TO: z.email().optional(),
  /** mailto: target of List-Unsubscribe (the MTA or a person handles it); the https URL is always given too. */
  NOTICE_UNSUBSCRIBE_MAILTO: z.email().optional(),
  /** Key that signs manage and unsubscribe links; generated under DATA_DIR when unset. */
  NOTICE_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  NOTICE_CONFIRM_TTL_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(48),
  /** A confirmation mail is sent again to the same address at most this often. */
  NOTICE_CONFIRM_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(300),
  SUBSCRIBE_LIMIT_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(20),
  SUBSCRIBE_LIMIT_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(5),
  /** Lookups on the mail trace page ("where is my mail?") per client address and hour. */
  MAIL_TRACE_LIMIT_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(30),
  NOTICE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  /** Rows claimed per round; at most 500 so the claim's id list stays under SQLite's 999 bound parameters. */
  NOTICE_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(200),
  NOTICE_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** A claimed row whose worker has not finished it within this time is taken over. */
  NOTICE_LEASE_SECONDS: z.coerce.number().int().min(1).default(120),
  NOTICE_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  NOTICE_RETRY_BASE_SECONDS: z.coerce.number().min(0).default(60),
  NOTICE_MAX_HARD_BOUNCES: z.coerce.number().int().min(1).default(3),
  /**
   * Where bounces and complaints to the notices' return paths are read (lib/notices/bounces):
   * imap(s)://user:password@host:port when notices go out through another relay; unset, the bundled
   * MTA's Maildir for bounces@<the notices' domain> under DATA_DIR.
   */
  BOUNCE_MAILBOX_URL: z.url().refine((u) => /^imaps?:/.test(u), 'must be an imap:// or imaps:// URL').optional(),
  BOUNCE_POLL_SECONDS: z.coerce.number().min(0.1).max(3600).default(10),
  /** Notices and confirmations are DKIM-signed (lib/smtp/dkim-key.ts); false turns signing off. */
  DKIM_ENABLED: z.stringbool().default(true),
  /** Unset: the domain notices come from (lib/site/mail-identity.ts noticeMailDomain()). */
  DKIM_DOMAIN: z.string().optional(),
  /**
   * The DNS label of the key (`<selector>._domainkey.<domain>`); also names the generated key's file.
   * Not dated by default: a dated default would still read 2026 years later. Rotating is setting a
   * new selector (e.g. tayori2027), which gets a key of its own next to the old one.
   */
  DKIM_SELECTOR: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, 'must be a DNS label such as tayori or tayori2027')
    .default('tayori'),
  /** Unset (and no DKIM_PRIVATE_KEY_FILE): a 2048-bit RSA key generated under DATA_DIR/dkim/ on first start. */
  DKIM_PRIVATE_KEY: z.string().optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(6),
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0).default(30),
  // The end-to-end canary (lib/canary, worker/canary-loop.ts): a test message through the real
  // inbound path every CANARY_INTERVAL_S, timed until it is in the mailbox.
  CANARY_ENABLED: z.stringbool().default(false),
  /** Where the canary is sent, as an outside sender would: the bundled MTA unless an MX is given. */
  CANARY_SMTP_URL: z.url().refine((u) => /^smtps?:/.test(u), 'must be an smtp:// or smtps:// URL').optional(),
  /** The mailbox it is sent to; it must exist (the bundled MTA's demo domain has this one). */
  CANARY_TO: z.email().default('canary@demo.tayori.test'),
  /** Where it is looked for: imap(s)://user:password@host:port; unset, the bundled MTA's Maildir under DATA_DIR. */
  CANARY_MAILBOX_URL: z.url().refine((u) => /^imaps?:/.test(u), 'must be an imap:// or imaps:// URL').optional(),
  CANARY_INTERVAL_S: z.coerce.number().int().min(5).max(3600).default(60),
  /** A canary still missing after this many minutes counts as mail delay for the rule (its age). */
  CANARY_MISSING_AFTER_MIN: z.coerce.number().min(0.1).max(24 * 60).default(5),
  // Built-in probes (lib/probes, worker/probe-loop.ts): HTTP(S), TCP, DNS, SMTP/IMAP/POP3 checks
  // staff define per component in the console.
  PROBES_ENABLED: z.stringbool().default(true),
  /** This worker's location: it runs the probes whose locations are empty or name it. */
  PROBE_LOCATION: z.string().regex(/^[a-z0-9_-]{1,40}$/i, 'letters, digits, "-" and "_" only (at most 40)').default('default'),
  /** Crash tests only: the process kills itself at this named point (lib/crash-points.ts). */
  TAYORI_CRASH_AT: z.string().optional(),
  /** Tests only: lets webhooks reach 127.0.0.1. Private, link-local and loopback targets are refused otherwise. */
  WEBHOOK_ALLOW_LOOPBACK: z.stringbool().default(false),
  // Prometheus Alertmanager's webhook (POST /api/alertmanager, lib/alertmanager).
  /** The alert label whose value is a component's slug. */
  ALERTMANAGER_COMPONENT_LABEL: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Prometheus label name').default('component'),
  /**
   * The `severity` label's values → the status an alert asserts while it fires, as severity=status
   * pairs; `*` for any other severity or none (without it, such alerts are ignored).
   */
  ALERTMANAGER_SEVERITY_MAP: z
    .string()
    .default(DEFAULT_SEVERITY_MAP)
    .superRefine((value, ctx) => {
      try {
        parseSeverityMap(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${(error as Error).message}; expected e.g. ${DEFAULT_SEVERITY_MAP}` });
      }
    }),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset", as in most .env conventions.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);

/** The origin this server listens on, as `next start` announces it (for its own scheduled calls). */
export function selfOrigin(): string {
  return process.env.__NEXT_PRIVATE_ORIGIN ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
}
