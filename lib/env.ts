import { z } from 'zod';

// The only reader of process.env. Every variable has a default that makes `npm start` work with
// no configuration; a bad value stops start-up with a message naming the variable.
const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^file:/, 'only SQLite "file:" URLs are supported')
    .default('file:./data/tayori.db'),
  SITE_URL: z.url().default('http://127.0.0.1:3000'),
  SITE_NAME_JA: z.string().min(1).default('Tayori ステータス'),
  SITE_NAME_EN: z.string().min(1).default('Tayori Status'),
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
  /** How often the site evaluates the metric rules on its own (no-data detection, auto-resolve). */
  RULE_TICK_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  METRICS_RETENTION_RAW_DAYS: z.coerce.number().min(0.01).default(2),
  METRICS_RETENTION_1M_DAYS: z.coerce.number().min(1).default(30),
  METRICS_RETENTION_1H_DAYS: z.coerce.number().min(1).default(400),
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
