import { z } from 'zod';

// What an MTA (or the Postfix log shipper) pushes every 10 seconds, per source.
export const DELAY_BUCKET_BOUNDS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 2700, 3600, 5400, 7200] as const;

const count = z.number().int().min(0).max(1e9);
const seconds = z.number().min(0).max(1e7);

export const rollupSchema = z
  .object({
    source: z.string().trim().min(1).max(100).regex(/^[\w.:@-]+$/, 'may contain letters, digits and . _ : @ - only'),
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
        counts: z.array(count).length(DELAY_BUCKET_BOUNDS.length + 1, `must have ${DELAY_BUCKET_BOUNDS.length + 1} counts (the last is +Inf)`),
      })
      .strict(),
    stage_p95_s: z.record(z.enum(['receive', 'queue', 'scan', 'deliver']), seconds.nullable()).optional(),
    queue_depth: count,
    oldest_age_s: seconds,
    accepted: count.default(0),
    rejected: z.record(z.string().max(64), count).default({}),
    scan_policy: z.enum(['enabled', 'bypass', 'auto']),
    scan_bypassing: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    const inHistogram = r.delay_histogram.counts.reduce((a, b) => a + b, 0);
    if (inHistogram !== r.delivered) {
      ctx.addIssue({ code: 'custom', path: ['delay_histogram', 'counts'], message: `add up to ${inHistogram}, but delivered is ${r.delivered}` });
    }
  });

export const rollupBatchSchema = z.object({ rollups: z.array(rollupSchema).min(1).max(500) }).strict();

export type Rollup = z.output<typeof rollupSchema>;
/** A rollup as its sender writes it (the JSON the site accepts). */
export type RollupInput = z.input<typeof rollupSchema>;
