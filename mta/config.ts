// The MTA's only reader of process.env. Every variable has a default that needs no setup, and a
// bad value stops start-up with a message naming the variable.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { noticeMailDomainOf } from '#contracts/bounce-address';
import { DEFAULT_DOMAIN_TOP_N } from '#contracts/rollup-builder';
import { MAX_LISTED_DOMAINS, SCAN_POLICIES } from '#contracts/rollup-schema';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().min(1);
const nonNegativeInt = z.coerce.number().int().min(0);
const seconds = z.coerce.number().min(0);
// Fractional minutes are allowed, so drills and tests can use blocks of a few seconds.
const minutes = z.coerce.number().positive().max(10 * 365 * 24 * 60, 'must be at most ten years');
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']))
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const scanPolicies = SCAN_POLICIES;
export type ScanPolicy = (typeof scanPolicies)[number];
export const scannerNames = ['builtin', 'spamd', 'rspamd', 'clamd'] as const;
export type ScannerName = (typeof scannerNames)[number];

const envSchema = z.object({
  SMTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SMTP_PORT: port.default(2525),
  MTA_HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  MTA_HTTP_PORT: port.default(2580),
  // Defaults to the site's DATA_DIR, so both find the shared ingest token without configuration.
  MTA_DATA_DIR: z.string().trim().min(1).optional(),
  MTA_HOSTNAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a host name')
    .default(os.hostname()),
  MTA_MAX_MESSAGE_BYTES: positiveInt.default(25 * 1024 * 1024),
  MTA_MAX_RECIPIENTS: positiveInt.default(100),
  // Hosted domains whose inbound delay the rollups carry on their own; the rest are summed as "other".
  MTA_DOMAIN_TOP_N: nonNegativeInt.max(MAX_LISTED_DOMAINS).default(DEFAULT_DOMAIN_TOP_N),
  MTA_MAX_CLIENTS: positiveInt.default(500),
  MTA_MAX_CONNECTIONS_PER_IP: nonNegativeInt.default(20),
  MTA_MAX_MESSAGES_PER_MINUTE_PER_IP: nonNegativeInt.default(300),
  MTA_MAX_CONNECTIONS_PER_MINUTE_PER_IP: nonNegativeInt.default(0),
  MTA_SOCKET_TIMEOUT_S: z.coerce.number().positive().default(300),
  // A connection's whole life, however busy: one kept open with NOOPs must end some time.
  MTA_SESSION_TIMEOUT_S: z.coerce.number().positive().default(1800),
  // Bytes per second a client must keep up while a command or a message is on its way (Postfix's
  // smtpd_min_data_rate); 0 = only the idle timeout applies.
  MTA_MIN_DATA_RATE: nonNegativeInt.default(500),
  MTA_GREETING_DELAY_MS: nonNegativeInt.max(10_000).default(100),
  // No network is trusted unless configured: local processes are clients like any other.
  MTA_TRUSTED_NETWORKS: z.string().default(''),
  // The site's and the notice worker's SMTP AUTH password; generated in the data directory when unset.
  MTA_SUBMISSION_PASSWORD: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // AUTH without TLS from 127.0.0.0/8 and ::1 (local submission); everyone else needs STARTTLS first.
  MTA_LOOPBACK_PLAINTEXT_AUTH: flag.default(true),
  MTA_AUTH_FAILURE_DELAY_MS: nonNegativeInt.max(60_000).default(1000),
  MTA_AUTH_MAX_FAILURES: nonNegativeInt.default(5),
  MTA_AUTH_FAILURE_WINDOW_MINUTES: minutes.default(15),
  MTA_RECIPIENT_VERIFICATION: flag.default(true),
  // off = no blocklist at all, neither manual nor automatic entries (the 2014 setup).
  MTA_BLOCKLIST: flag.default(true),
  MTA_AUTO_BLOCK: flag.default(true),
  MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE: nonNegativeInt.default(60),
  MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE: nonNegativeInt.default(10),
  MTA_AUTO_BLOCK_AUTH_FAILURES: nonNegativeInt.default(10),
  MTA_AUTO_BLOCK_MINUTES: minutes.default(60),
  // The operator event log (blocklist changes, scan policy switches); 0 = kept for ever.
  MTA_EVENT_RETENTION_DAYS: nonNegativeInt.default(365),
  // The mail trace's records (Message-ID and recipient, hashed, with each stage's time).
  MTA_TRACE_RETENTION_DAYS: positiveInt.max(3650).default(7),
  MTA_REVERSE_DNS: flag.default(false),
  MTA_TLS_KEY: optionalText,
  MTA_TLS_CERT: optionalText,
  SMTP_RELAY_URL: optionalText.pipe(z.string().url().startsWith('smtp').optional()),
  MTA_ADMIN_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // Defaults to the site started next to it (`npm start` passes PORT and HOST to both).
  SITE_URL: z.string().trim().url().optional(),
  // The notices' sender, as the site reads it: its domain is where the bounce mailbox is (below).
  NOTICE_FROM_ADDRESS: optionalText.pipe(z.string().email().optional()),
  INGEST_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // The site accepts letters, digits and . _ : @ - in a source name.
  MTA_SOURCE_ID: z.string().trim().min(1).max(100).regex(/^[\w.:@-]+$/, 'may contain letters, digits and . _ : @ - only').optional(),
  MTA_ROLLUP_PUSH: flag.default(true),
  MTA_SCAN_POLICY: z.enum(scanPolicies).default('enabled'),
  MTA_SCANNER: z
    .string()
    .default('builtin')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(scannerNames)).min(1)),
  MTA_SCAN_CONCURRENCY: positiveInt.default(4),
  MTA_SCAN_INLINE: flag.default(false),
  MTA_SCAN_TIMEOUT_S: z.coerce.number().positive().default(30),
  MTA_SPAM_JUNK_SCORE: z.coerce.number().default(5),
  MTA_SPAM_REJECT_SCORE: z.coerce.number().default(15),
  MTA_SCAN_AUTO_BYPASS_AGE_S: z.coerce.number().positive().default(300),
  MTA_SCAN_AUTO_RESUME_AGE_S: seconds.default(30),
  MTA_SCAN_AUTO_MIN_BYPASS_S: seconds.default(60),
  // Models a slow spam-check cluster (drills, the 2014 replay, tests); 0 in production.
  MTA_BUILTIN_SCAN_COST_MS: nonNegativeInt.default(0),
  MTA_SCHEDULER: z.enum(['fair', 'fifo']).default('fair'),
  MTA_PRIORITY_AGE_S: seconds.default(600),
  // Known senders first (mta/reputation): off puts every sender in one class, as before.
  MTA_REPUTATION: flag.default(true),
  MTA_REPUTATION_HALF_LIFE_DAYS: z.coerce.number().positive().default(30),
  MTA_REPUTATION_MAX_ENTRIES: positiveInt.default(200_000),
  MTA_REPUTATION_MIN_AGE_S: seconds.default(3600),
  // The breaker's second step: unknown senders' mail skips the scan only after this long, and only
  // while no known sender's mail waits (default: twice MTA_SCAN_AUTO_BYPASS_AGE_S).
  MTA_SCAN_AUTO_BYPASS_UNKNOWN_AGE_S: z.coerce.number().positive().optional(),
  MTA_DELIVERY_CONCURRENCY: positiveInt.default(32),
  // Per destination (the smarthost, a transport map's host, or a recipient domain's MX), like Postfix's
  // default_destination_concurrency_limit, default_destination_rate_delay, smtp_connection_reuse_count_limit.
  MTA_DESTINATION_CONCURRENCY: positiveInt.default(20),
  MTA_DESTINATION_RATE_DELAY_MS: nonNegativeInt.default(0),
  MTA_CONNECTION_REUSE_LIMIT: positiveInt.default(100),
  // A destination failing this many deliveries in a row (421, 4xx, no connection) is held with all its mail.
  MTA_DESTINATION_FAILURE_LIMIT: positiveInt.default(5),
  MTA_DESTINATION_BACKOFF_S: z.coerce.number().positive().default(300),
  // domain=smtp://host:port,… (Postfix's transport_maps): these domains' mail goes there, not to the smarthost or MX.
  MTA_TRANSPORT_MAP: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const map: Record<string, string> = {};
      for (const entry of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const at = entry.indexOf('=');
        const domain = entry.slice(0, at).trim().toLowerCase();
        const target = entry.slice(at + 1).trim();
        let url: URL | undefined;
        try {
          url = new URL(target);
        } catch {
          url = undefined;
        }
        if (at <= 0 || !/^[a-z0-9.-]+$/.test(domain) || !url?.hostname || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not domain=smtp://host:port` });
          return z.NEVER;
        }
        map[domain] = target;
      }
      return map;
    }),
  MTA_BACKOFF_MIN_S: z.coerce.number().positive().default(300),
  MTA_BACKOFF_MAX_S: z.coerce.number().positive().default(4000),
  MTA_MAX_QUEUE_LIFETIME_S: z.coerce.number().positive().default(5 * 24 * 3600),
  SPAMD_HOST: z.string().default('127.0.0.1'),
  SPAMD_PORT: port.default(783),
  RSPAMD_URL: z.string().url().default('http://127.0.0.1:11333'),
  CLAMD_HOST: z.string().default('127.0.0.1'),
  CLAMD_PORT: port.default(3310),
});

export type MtaConfig = ReturnType<typeof loadConfig>;

/** The SMTP AUTH name of the local submission credential (lib/notices/smtp-url.ts has the same). */
export const SUBMISSION_USER = 'tayori-submission';

function defaultSiteUrl(env: Record<string, string | undefined>): string {
  const host = env.HOST && env.HOST !== '0.0.0.0' && env.HOST !== '::' ? env.HOST : '127.0.0.1';
  const port = /^\d+$/.test(env.PORT ?? '') ? env.PORT : '3000';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
    throw new Error(`Invalid MTA configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if ((e.MTA_TLS_KEY === undefined) !== (e.MTA_TLS_CERT === undefined)) {
    throw new Error('Invalid MTA configuration: MTA_TLS_KEY and MTA_TLS_CERT must be set together');
  }
  if (e.MTA_SPAM_REJECT_SCORE < e.MTA_SPAM_JUNK_SCORE) {
    throw new Error('Invalid MTA configuration: MTA_SPAM_REJECT_SCORE must not be below MTA_SPAM_JUNK_SCORE');
  }
  const dataDir = path.resolve(e.MTA_DATA_DIR ?? (env.DATA_DIR?.trim() || 'data'));
  return {
    smtp: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      hostname: e.MTA_HOSTNAME,
      maxMessageBytes: e.MTA_MAX_MESSAGE_BYTES,
      maxRecipients: e.MTA_MAX_RECIPIENTS,
      maxClients: e.MTA_MAX_CLIENTS,
      maxConnectionsPerIp: e.MTA_MAX_CONNECTIONS_PER_IP,
      maxMessagesPerMinutePerIp: e.MTA_MAX_MESSAGES_PER_MINUTE_PER_IP,
      maxConnectionsPerMinutePerIp: e.MTA_MAX_CONNECTIONS_PER_MINUTE_PER_IP,
      socketTimeoutMs: e.MTA_SOCKET_TIMEOUT_S * 1000,
      sessionTimeoutMs: e.MTA_SESSION_TIMEOUT_S * 1000,
      minDataRate: e.MTA_MIN_DATA_RATE,
      greetingDelayMs: e.MTA_GREETING_DELAY_MS,
      loopbackPlaintextAuth: e.MTA_LOOPBACK_PLAINTEXT_AUTH,
      reverseDns: e.MTA_REVERSE_DNS,
      tls: e.MTA_TLS_KEY && e.MTA_TLS_CERT ? { keyFile: e.MTA_TLS_KEY, certFile: e.MTA_TLS_CERT } : undefined,
    },
    policy: {
      trustedNetworks: e.MTA_TRUSTED_NETWORKS.split(',').map((s) => s.trim()).filter(Boolean),
      recipientVerification: e.MTA_RECIPIENT_VERIFICATION,
      blocklist: e.MTA_BLOCKLIST,
      autoBlock: {
        // Without a blocklist there is nothing to put a flooding client on.
        enabled: e.MTA_BLOCKLIST && e.MTA_AUTO_BLOCK && (e.MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE > 0 || e.MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE > 0 || e.MTA_AUTO_BLOCK_AUTH_FAILURES > 0),
        messagesPerMinute: e.MTA_AUTO_BLOCK_MESSAGES_PER_MINUTE,
        rejectedRecipientsPerMinute: e.MTA_AUTO_BLOCK_REJECTED_RECIPIENTS_PER_MINUTE,
        authFailures: e.MTA_AUTO_BLOCK_AUTH_FAILURES,
        durationMs: Math.round(e.MTA_AUTO_BLOCK_MINUTES * 60_000),
      },
      authThrottle: {
        delayMs: e.MTA_AUTH_FAILURE_DELAY_MS,
        maxFailures: e.MTA_AUTH_MAX_FAILURES,
        windowMs: Math.round(e.MTA_AUTH_FAILURE_WINDOW_MINUTES * 60_000),
        blockAfter: e.MTA_AUTO_BLOCK_AUTH_FAILURES,
      },
      submissionPassword: e.MTA_SUBMISSION_PASSWORD,
      eventRetentionDays: e.MTA_EVENT_RETENTION_DAYS,
    },
    trace: { retentionDays: e.MTA_TRACE_RETENTION_DAYS },
    http: { host: e.MTA_HTTP_HOST, port: e.MTA_HTTP_PORT, adminToken: e.MTA_ADMIN_TOKEN },
    paths: {
      dataDir,
      spoolDir: path.join(dataDir, 'spool'),
      mailDir: path.join(dataDir, 'mail'),
      stateDir: path.join(dataDir, 'mta'),
      ingestTokenFile: path.join(dataDir, 'ingest-token'),
      // Beside the ingest token: the site and the notice worker look for it in their DATA_DIR.
      submissionPasswordFile: path.join(dataDir, 'submission-password'),
    },
    site: {
      url: (e.SITE_URL ?? defaultSiteUrl(env)).replace(/\/+$/, ''),
      ingestToken: e.INGEST_TOKEN,
      sourceId: e.MTA_SOURCE_ID ?? e.MTA_HOSTNAME.slice(0, 100),
      push: e.MTA_ROLLUP_PUSH,
      domainTopN: e.MTA_DOMAIN_TOP_N,
    },
    notices: {
      // bounces+…@ this domain is the notice worker's bounce mailbox (contracts/bounce-address.ts).
      bounceDomain: noticeMailDomainOf(e.SITE_URL ?? defaultSiteUrl(env), e.NOTICE_FROM_ADDRESS),
    },
    scan: {
      policy: e.MTA_SCAN_POLICY,
      scanners: [...new Set(e.MTA_SCANNER)],
      concurrency: e.MTA_SCAN_CONCURRENCY,
      inline: e.MTA_SCAN_INLINE,
      timeoutMs: e.MTA_SCAN_TIMEOUT_S * 1000,
      junkScore: e.MTA_SPAM_JUNK_SCORE,
      rejectScore: e.MTA_SPAM_REJECT_SCORE,
      autoBypassAgeMs: e.MTA_SCAN_AUTO_BYPASS_AGE_S * 1000,
      autoResumeAgeMs: e.MTA_SCAN_AUTO_RESUME_AGE_S * 1000,
      autoMinBypassMs: e.MTA_SCAN_AUTO_MIN_BYPASS_S * 1000,
      builtinCostMs: e.MTA_BUILTIN_SCAN_COST_MS,
      scheduler: e.MTA_SCHEDULER,
      priorityAgeMs: e.MTA_PRIORITY_AGE_S * 1000,
      reputation: { enabled: e.MTA_REPUTATION, halfLifeDays: e.MTA_REPUTATION_HALF_LIFE_DAYS, maxEntries: e.MTA_REPUTATION_MAX_ENTRIES, minAgeMs: e.MTA_REPUTATION_MIN_AGE_S * 1000 },
      autoBypassUnknownAgeMs: (e.MTA_SCAN_AUTO_BYPASS_UNKNOWN_AGE_S ?? e.MTA_SCAN_AUTO_BYPASS_AGE_S * 2) * 1000,
      spamd: { host: e.SPAMD_HOST, port: e.SPAMD_PORT },
      rspamdUrl: e.RSPAMD_URL.replace(/\/+$/, ''),
      clamd: { host: e.CLAMD_HOST, port: e.CLAMD_PORT },
    },
    delivery: {
      relayUrl: e.SMTP_RELAY_URL,
      concurrency: e.MTA_DELIVERY_CONCURRENCY,
      destinations: {
        concurrency: e.MTA_DESTINATION_CONCURRENCY,
        rateDelayMs: e.MTA_DESTINATION_RATE_DELAY_MS,
        failureLimit: e.MTA_DESTINATION_FAILURE_LIMIT,
        backoffMs: e.MTA_DESTINATION_BACKOFF_S * 1000,
      },
      connectionReuseLimit: e.MTA_CONNECTION_REUSE_LIMIT,
      transportMap: e.MTA_TRANSPORT_MAP,
      backoffMinMs: e.MTA_BACKOFF_MIN_S * 1000,
      backoffMaxMs: e.MTA_BACKOFF_MAX_S * 1000,
      maxQueueLifetimeMs: e.MTA_MAX_QUEUE_LIFETIME_S * 1000,
    },
  };
}
