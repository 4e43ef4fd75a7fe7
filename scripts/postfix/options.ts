// Command line of `npm run ingest:postfix`, and where the site URL and the token come from.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DOMAIN_TOP_N } from '#contracts/rollup-builder';
import { MAIL_FLOWS, MAX_LISTED_DOMAINS, type MailFlow } from '#contracts/rollup-schema';
import { parseNextHopRule, type NextHopRule } from './flows.js';
import { isValidTimeZone } from './timestamps.js';

export const HELP = `Usage: npm run ingest:postfix -- [options] <logfile>

Reads Postfix log lines, turns them into the 10-second mail-metric rollups the bundled MTA
pushes, one per flow (inbound: mail for the hosted domains; outbound: mail leaving for other
domains), and sends them to the status site (POST <site>/api/ingest/mail-metrics).

  -f, --follow          keep reading as lines are appended, like tail -F: survives rotation
                        (rename + new file, or truncation), holds back a partial last line
  --from-end            with --follow, skip what is already in the file
  --site URL            the status site (default: $SITE_URL, else http://127.0.0.1:3000)
  --source NAME         source name for the rollups (default: postfix@<hostname>)
  --dry-run             print the rollups as JSON lines on stdout instead of sending them
  --waiting-flow FLOW   inbound or outbound: where mail counts whose flow the log does not
                        tell: queued before its first delivery attempt, accepted from an SMTP
                        client without a login, failed by the error/retry agents (default
                        inbound, for an MX; outbound for a submission or relay host). Mail
                        submitted with a login or locally (sendmail), and Postfix's own notices,
                        are outbound either way
  --next-hop HOST[:PORT]=ROLE
                        deliveries to this relay= next hop are ROLE: inbound (e.g. the mailbox
                        servers behind a gateway MX), outbound, or filter (a content filter such
                        as amavisd-new: not a delivery, the mail comes back as a new message).
                        Repeatable. Otherwise the agent decides: local, virtual, lmtp, pipe,
                        discard inbound; smtp outbound
  --domain-top-n N      hosted domains whose inbound delay the rollups carry on their own, the
                        busiest first; the rest are summed as "other" (0 to ${MAX_LISTED_DOMAINS}, default
                        $MTA_DOMAIN_TOP_N, else ${DEFAULT_DOMAIN_TOP_N}), as the bundled MTA's MTA_DOMAIN_TOP_N
  --tz ZONE             IANA zone of year-less syslog stamps ("Nov 29 06:32:11")
                        (default: this machine's zone, $TZ)
  --year YYYY           year of the first year-less stamp (default: the current year; the year
                        advances when the log crosses from December to January)
  --max-buffered N      with --follow, windows (two rollups each) kept in memory while the
                        site is unreachable (default 8640, one day); beyond that the oldest are
                        dropped. The buffer is in memory only: rollups still waiting when the
                        process ends are lost, re-reading the log later sends them again (the
                        site ignores repeats)
  --retry-for SECONDS   without --follow, how long to keep retrying an unreachable site before
                        giving up with exit code 1 (default 30)
  --stats-every SECONDS with --follow, how often to print the line counts (default 60)
  --idle-flush SECONDS  with --follow, send open windows after this long without new lines
                        (default 15)
  --poll-ms N           with --follow, how often to look for new lines, rotation and
                        truncation (default 250)
  -h, --help            this text

The token comes from $INGEST_TOKEN, else from <DATA_DIR>/ingest-token ($DATA_DIR, default data).
Counts of lines read, ignored (Postfix noise such as "connect from", other programs) and not
understood go to stderr, periodically with --follow and always at exit.
Exit codes: 0 all rollups taken by the site; 1 the site refused them or stayed unreachable;
2 bad usage or an unreadable file.`;

export class UsageError extends Error {}

export const DEFAULT_MAX_BUFFERED_WINDOWS = 8640;

export interface IngestOptions {
  file: string;
  follow: boolean;
  fromEnd: boolean;
  site: string;
  source: string;
  /** Where mail of no known flow counts (rollups.ts). */
  waitingFlow: MailFlow;
  nextHops: NextHopRule[];
  /** Hosted domains listed on their own in inbound rollups (rollup-builder.ts domainBreakdown). */
  domainTopN: number;
  dryRun: boolean;
  timeZone: string | undefined;
  year: number | undefined;
  /** Windows kept while the site is unreachable (--follow). */
  maxBuffered: number;
  retryForS: number;
  statsEveryS: number;
  idleFlushS: number;
  pollMs: number;
}

const SOURCE = /^[\w.:@-]{1,100}$/;

export function defaultSource(host = hostname()): string {
  return `postfix@${host.replace(/[^\w.:@-]/g, '-')}`.slice(0, 100);
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): IngestOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        follow: { type: 'boolean', short: 'f' },
        'from-end': { type: 'boolean' },
        site: { type: 'string' },
        source: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'waiting-flow': { type: 'string' },
        'next-hop': { type: 'string', multiple: true },
        'domain-top-n': { type: 'string' },
        tz: { type: 'string' },
        year: { type: 'string' },
        'max-buffered': { type: 'string' },
        'retry-for': { type: 'string' },
        'stats-every': { type: 'string' },
        'idle-flush': { type: 'string' },
        'poll-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length === 0 ? 'which log file? (e.g. /var/log/mail.log)' : `one log file at a time, got ${parsed.positionals.length}`);

  const site = (v.site ?? (env.SITE_URL || 'http://127.0.0.1:3000')).replace(/\/+$/, '');
  try {
    const url = new URL(site);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--site / SITE_URL must be an http(s) URL, got "${site}"`);
  }
  const source = v.source ?? defaultSource();
  if (!SOURCE.test(source)) throw new UsageError(`--source may contain letters, digits and . _ : @ - only (at most 100), got "${source}"`);
  if (v.tz !== undefined && !isValidTimeZone(v.tz)) throw new UsageError(`--tz: unknown time zone "${v.tz}" (use an IANA name such as Asia/Tokyo or UTC)`);
  const waitingFlow = v['waiting-flow'] ?? 'inbound';
  if (!(MAIL_FLOWS as readonly string[]).includes(waitingFlow)) throw new UsageError(`--waiting-flow must be inbound or outbound, got "${waitingFlow}"`);
  const nextHops = (v['next-hop'] ?? []).map((spec) => {
    try {
      return parseNextHopRule(spec);
    } catch (error) {
      throw new UsageError(`--next-hop ${(error as Error).message}`);
    }
  });
  const topNRaw = v['domain-top-n'] ?? (env.MTA_DOMAIN_TOP_N || undefined);
  const domainTopN = topNRaw === undefined ? DEFAULT_DOMAIN_TOP_N : Number(topNRaw);
  if (!Number.isInteger(domainTopN) || domainTopN < 0 || domainTopN > MAX_LISTED_DOMAINS) throw new UsageError(`--domain-top-n / MTA_DOMAIN_TOP_N must be a whole number from 0 to ${MAX_LISTED_DOMAINS}, got "${topNRaw}"`);
  const year = v.year === undefined ? undefined : Number(v.year);
  if (year !== undefined && !(Number.isInteger(year) && year >= 1970 && year <= 9999)) throw new UsageError(`--year must be a year such as 2026, got "${v.year}"`);

  return {
    file: parsed.positionals[0]!,
    follow: v.follow ?? false,
    fromEnd: v['from-end'] ?? false,
    site,
    source,
    waitingFlow: waitingFlow as MailFlow,
    nextHops,
    domainTopN,
    dryRun: v['dry-run'] ?? false,
    timeZone: v.tz,
    year,
    maxBuffered: positiveNumber('max-buffered', v['max-buffered'], DEFAULT_MAX_BUFFERED_WINDOWS, true),
    retryForS: positiveNumber('retry-for', v['retry-for'], 30),
    statsEveryS: positiveNumber('stats-every', v['stats-every'], 60),
    idleFlushS: positiveNumber('idle-flush', v['idle-flush'], 15),
    pollMs: positiveNumber('poll-ms', v['poll-ms'], 250, true),
  };
}

/** $INGEST_TOKEN, else <DATA_DIR>/ingest-token as the site writes it on first start; null when neither exists. */
export function readIngestToken(env: NodeJS.ProcessEnv = process.env): { token: string; from: string } | null {
  if (env.INGEST_TOKEN) return { token: env.INGEST_TOKEN, from: 'INGEST_TOKEN' };
  const file = path.join(env.DATA_DIR || 'data', 'ingest-token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    return token ? { token, from: file } : null;
  } catch {
    return null;
  }
}
