import { z } from 'zod';

// What an MTA (or the Postfix log shipper) pushes every 10 seconds, per source and per flow.
export const DELAY_BUCKET_BOUNDS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600, 5400, 7200] as const;
const BUCKET_COUNT = DELAY_BUCKET_BOUNDS.length + 1;

/**
 * Inbound: mail for the hosted domains, from its receipt until it is in the mailbox. Outbound:
 * mail leaving for other domains (customers' mail, and the site's own notices and confirmations).
 * They answer different questions ("is mail to me late?", "is my mail leaving?") and never share
 * a figure.
 */
export const MAIL_FLOWS = ['inbound', 'outbound'] as const;
export type MailFlow = (typeof MAIL_FLOWS)[number];

/** Whether an MTA scans mail: always, never (the 2014 remediation), or not while mail waits too long for it. */
export const SCAN_POLICIES = ['enabled', 'bypass', 'auto'] as const;

const count = z.number().int().min(0).max(1e9);
const seconds = z.number().min(0).max(1e7);
const bucketCounts = z.array(count).length(BUCKET_COUNT, `must have ${BUCKET_COUNT} counts (one per delay bucket, the last is +Inf)`);
const sum = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);

export const destinationSchema = z
  .object({
    domain: z.string().trim().toLowerCase().min(1).max(253),
    waiting: count,
    oldest_age_s: seconds,
    /** The last temporary failure, for staff (never shown on public pages). */
    last_error: z.string().max(300).nullable().default(null),
  })
  .strict();
export type DestinationInput = z.input<typeof destinationSchema>;

/** The entry of `domains` that sums every hosted domain not listed on its own. */
export const OTHER_DOMAINS = 'other';
/** Hosted domains listed on their own per inbound rollup, at most (MTA_DOMAIN_TOP_N); "other" comes on top. */
export const MAX_LISTED_DOMAINS = 200;

/** A domain name as senders list it: lower case, ASCII (IDN as punycode), no trailing dot, at least two labels. */
export const LISTED_DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * One hosted (recipient) domain's inbound mail in the window, or the sum of the unlisted ones
 * ("other"). Messages are counted once per domain they were delivered to; waiting mail per
 * recipient, as top_destinations counts it.
 */
export const domainDelaySchema = z
  .object({
    domain: z.union([z.literal(OTHER_DOMAINS), z.string().regex(LISTED_DOMAIN, 'must be a lower-case ASCII domain name (IDN as punycode, no trailing dot)')]),
    delivered: count,
    /** Delays of the delivered mail, in the rollup's delay buckets (adds up to delivered). */
    delay_histogram: bucketCounts,
    delay_max_s: seconds.nullable(),
    /** Recipients of this domain waiting at the window's end. */
    waiting: count,
    /** Their ages in the delay buckets (adds up to waiting). */
    waiting_histogram: bucketCounts,
    oldest_age_s: seconds,
  })
  .strict()
  .superRefine((d, ctx) => {
    if (sum(d.delay_histogram) !== d.delivered) ctx.addIssue({ code: 'custom', path: ['delay_histogram'], message: `adds up to ${sum(d.delay_histogram)}, but delivered is ${d.delivered}` });
    if (sum(d.waiting_histogram) !== d.waiting) ctx.addIssue({ code: 'custom', path: ['waiting_histogram'], message: `adds up to ${sum(d.waiting_histogram)}, but waiting is ${d.waiting}` });
  });
export type DomainDelay = z.output<typeof domainDelaySchema>;

export const rollupSchema = z
  .object({
    source: z.string().trim().min(1).max(100).regex(/^[\w.:@-]+$/, 'may contain letters, digits and . _ : @ - only'),
    // Senders from before flows existed measured all mail together; what they measured drove the
    // inbound component, so that is where their rollups go (docs/api.md, "Ingest API").
    flow: z.enum(MAIL_FLOWS).default('inbound'),
    window_start: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .refine((d) => d.getTime() % 10_000 === 0, 'must be aligned to 10 seconds'),
    window_seconds: z.literal(10),
    delivered: count,
    deferred: count.default(0),
    bounced: count.default(0),
    delay_p50_s: seconds.nullable(),
    delay_p95_s: seconds.nullable(),
    delay_max_s: seconds.nullable(),
    delay_histogram: z
      .object({
        bounds: z.array(z.number()).refine((b) => b.length === DELAY_BUCKET_BOUNDS.length && b.every((v, i) => v === DELAY_BUCKET_BOUNDS[i]), {
          message: `must be [${DELAY_BUCKET_BOUNDS.join(',')}]`,
        }),
        counts: bucketCounts,
      })
      .strict(),
    stage_p95_s: z.record(z.enum(['receive', 'queue', 'scan', 'deliver']), seconds.nullable()).optional(),
    /** Messages of this flow waiting at the window's end. */
    queue_depth: count,
    oldest_age_s: seconds,
    /** Ages of those waiting messages, in the delay buckets (adds up to queue_depth). */
    waiting_histogram: bucketCounts.optional(),
    /**
     * Per destination domain that had mail of this flow lately (waiting or handed over): the age
     * of its oldest waiting message, 0 when nothing waits. One stuck domain is one count here.
     */
    destination_histogram: bucketCounts.optional(),
    /** The destinations whose mail has waited longest, at most 20 (for staff). */
    top_destinations: z.array(destinationSchema).max(20).default([]),
    /**
     * Inbound only: the busiest hosted domains (at most MAX_LISTED_DOMAINS) and one "other" entry
     * summing the rest, so the size stays flat however many domains are hosted.
     */
    domains: z.array(domainDelaySchema).max(MAX_LISTED_DOMAINS + 1).optional(),
    accepted: count.default(0),
    rejected: z.record(z.string().max(64), count).default({}),
    /**
     * Inbound rollups of an MTA that runs the spam check itself (the check is shared by both flows,
     * so its figures ride on the inbound rollup only): messages that left the scan queue in this
     * window (taken for a scan, or passed on unscanned by the breaker), and how many of the
     * messages waiting for a scan at the window's end a message from a new sender would wait
     * behind (all of them in a FIFO queue; in the fair queue one per sender with mail waiting, plus
     * those past the priority age). Null or absent from senders that cannot tell (Postfix logs).
     * The site's arrival estimate (lib/metrics/arrival-estimate.ts) reads them.
     */
    scanned: count.nullable().optional(),
    scan_ahead: count.nullable().optional(),
    scan_policy: z.enum(SCAN_POLICIES),
    scan_bypassing: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    const inHistogram = sum(r.delay_histogram.counts);
    if (inHistogram !== r.delivered) {
      ctx.addIssue({ code: 'custom', path: ['delay_histogram', 'counts'], message: `add up to ${inHistogram}, but delivered is ${r.delivered}` });
    }
    if (r.waiting_histogram && sum(r.waiting_histogram) !== r.queue_depth) {
      ctx.addIssue({ code: 'custom', path: ['waiting_histogram'], message: `adds up to ${sum(r.waiting_histogram)}, but queue_depth is ${r.queue_depth}` });
    }
    if (r.domains) domainProblems(r.domains, r.flow, r.delivered).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
  });

function domainProblems(domains: DomainDelay[], flow: MailFlow, delivered: number): { path: (string | number)[]; message: string }[] {
  if (flow !== 'inbound') return [{ path: ['domains'], message: 'are sent with inbound rollups only' }];
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seen = new Set<string>();
  domains.forEach((d, i) => {
    if (seen.has(d.domain)) problems.push({ path: ['domains', i, 'domain'], message: `${d.domain} is listed twice` });
    seen.add(d.domain);
    // A message delivered to several hosted domains counts once in each, never more than in all.
    if (d.delivered > delivered) problems.push({ path: ['domains', i, 'delivered'], message: `is ${d.delivered}, more than the rollup's delivered (${delivered})` });
  });
  if (seen.size - (seen.has(OTHER_DOMAINS) ? 1 : 0) > MAX_LISTED_DOMAINS) problems.push({ path: ['domains'], message: `list at most ${MAX_LISTED_DOMAINS} domains besides "${OTHER_DOMAINS}"` });
  return problems;
}

export const rollupBatchSchema = z.object({ rollups: z.array(rollupSchema).min(1).max(500) }).strict();

export type Rollup = z.output<typeof rollupSchema>;
/** A rollup as its sender writes it (the JSON the site accepts). */
export type RollupInput = z.input<typeof rollupSchema>;
