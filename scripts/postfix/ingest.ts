// Wires the pieces together: lines → parser → rollups → site (or stdout with --dry-run).
import { MAIL_FLOWS } from '#contracts/rollup-schema';
import { FileFollower, readLinesOnce } from './follow.js';
import type { IngestOptions } from './options.js';
import { PostfixLineParser } from './parser.js';
import { RollupPusher, type PushOutcome } from './pusher.js';
import { RollupBuilder, WINDOW_MS, type RollupBody } from './rollups.js';

export interface IngestIo {
  /** One JSON line per rollup (--dry-run). */
  out: (line: string) => void;
  /** Progress, problems and counts for the operator. */
  log: (line: string) => void;
  token: () => string;
}

const GRACE_MS = WINDOW_MS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts every line by what became of it. */
export class LineCounts {
  lines = 0;
  events = 0;
  ignored = 0;
  otherPrograms = 0;
  notUnderstood = 0;
}

class Pipeline {
  readonly counts = new LineCounts();
  readonly parser: PostfixLineParser;
  readonly builder: RollupBuilder;
  readonly pusher: RollupPusher;
  windows = 0;

  constructor(
    readonly options: IngestOptions,
    readonly io: IngestIo,
  ) {
    this.parser = new PostfixLineParser({ year: options.year, timeZone: options.timeZone });
    this.builder = new RollupBuilder(options.source, { waitingFlow: options.waitingFlow, nextHops: options.nextHops, domainTopN: options.domainTopN });
    // --max-buffered counts windows; each has one rollup per flow.
    this.pusher = new RollupPusher({ endpoint: `${options.site}/api/ingest/mail-metrics`, token: io.token, maxBuffered: options.follow ? options.maxBuffered * MAIL_FLOWS.length : Number.MAX_SAFE_INTEGER });
  }

  line(text: string): void {
    this.counts.lines++;
    const parsed = this.parser.parse(text);
    switch (parsed.event.kind) {
      case 'not_understood':
        this.counts.notUnderstood++;
        break;
      case 'ignored':
        if (parsed.event.why === 'other_program') this.counts.otherPrograms++;
        else this.counts.ignored++;
        break;
      default:
        this.counts.events++;
    }
    this.builder.add(parsed);
  }

  /** Moves complete windows on: to stdout (--dry-run) or into the pusher's buffer. */
  collect(all: boolean): number {
    const rollups: RollupBody[] = this.builder.takeComplete(all ? { all: true } : { graceMs: GRACE_MS });
    this.windows += rollups.length / MAIL_FLOWS.length;
    if (this.options.dryRun) for (const r of rollups) this.io.out(JSON.stringify(r));
    else this.pusher.enqueue(rollups);
    return rollups.length;
  }

  summary(prefix: string): string {
    const c = this.counts;
    const p = this.pusher.stats;
    const push = this.options.dryRun
      ? ' dry_run=true'
      : ` pushed=${p.sent} accepted=${p.accepted} duplicates=${p.duplicates} pending=${this.pusher.buffered} dropped=${p.droppedOverflow + p.droppedInvalid}`;
    return `${prefix} lines=${c.lines} events=${c.events} ignored=${c.ignored} other_programs=${c.otherPrograms} not_understood=${c.notUnderstood} late=${this.builder.counters.late} windows=${this.windows}${push}`;
  }
}

/** Reads the file once, sends everything, returns the exit code. */
export async function ingestOnce(options: IngestOptions, io: IngestIo): Promise<number> {
  const p = new Pipeline(options, io);
  let failed: string | null = null;
  let firstInvalid: string | null = null;

  const send = async (): Promise<boolean> => {
    if (options.dryRun || p.pusher.buffered === 0) return true;
    const giveUpAt = Date.now() + options.retryForS * 1000;
    let wait = 500;
    for (;;) {
      // A 400 names the windows it refuses (e.g. older than the site's raw retention, when an old
      // log is read): those are skipped so that the rest still arrives; the exit code says so.
      const outcome: PushOutcome = await p.pusher.flush({ dropInvalid: true });
      if (outcome.kind === 'done') return true;
      if (outcome.kind === 'refused' && outcome.status === 400) {
        firstInvalid ??= outcome.message;
        continue;
      }
      if (outcome.kind === 'refused') {
        failed = outcome.message;
        return false;
      }
      if (Date.now() + wait > giveUpAt) {
        failed = `the site is unreachable (${outcome.message}); ${p.pusher.bufferedWindows} window(s) not sent. Run again later: windows the site already has are not counted twice`;
        return false;
      }
      io.log(`postfix-ingest: the site is unreachable (${outcome.message}); retrying in ${wait / 1000} s`);
      await sleep(wait);
      wait = Math.min(wait * 2, 8000);
    }
  };

  let sinceCollect = 0;
  await readLinesOnce(options.file, async (line) => {
    if (failed) return;
    p.line(line);
    if (++sinceCollect >= 1000) {
      sinceCollect = 0;
      p.collect(false);
      if (p.pusher.buffered >= 500) await send();
    }
  });
  if (!failed) {
    p.collect(true);
    await send();
  }
  io.log(p.summary('postfix-ingest: done:'));
  if (firstInvalid) io.log(`postfix-ingest: ${p.pusher.stats.windowsDroppedInvalid} window(s) refused by the site and skipped; the first refusal: ${firstInvalid}`);
  if (failed) {
    io.log(`postfix-ingest: ${failed}`);
    return 1;
  }
  return firstInvalid ? 1 : 0;
}

/** Follows the file until `signal` aborts; returns the exit code. */
export async function ingestFollow(options: IngestOptions, io: IngestIo, signal: AbortSignal): Promise<number> {
  const p = new Pipeline(options, io);
  let lastLineAt = Date.now();
  const follower = new FileFollower(options.file, {
    pollMs: options.pollMs,
    fromEnd: options.fromEnd,
    onLine: (line) => {
      lastLineAt = Date.now();
      p.line(line);
    },
    onNotice: (message) => io.log(`postfix-ingest: ${message}`),
  });

  let nextPushAt = 0;
  let backoff = 1000;
  let lastProblem = '';
  let nextStatsAt = Date.now() + options.statsEveryS * 1000;
  let lastDropped = 0;

  const push = async (opts: { force?: boolean } = {}) => {
    if (options.dryRun || p.pusher.buffered === 0 || (!opts.force && Date.now() < nextPushAt)) return;
    const outcome = await p.pusher.flush({ dropInvalid: true });
    if (outcome.kind === 'done') {
      if (lastProblem) io.log('postfix-ingest: the site takes rollups again');
      lastProblem = '';
      backoff = 1000;
      nextPushAt = 0;
    } else {
      const message = outcome.kind === 'unreachable' ? `the site is unreachable (${outcome.message}); ${p.pusher.bufferedWindows} window(s) kept in memory and retried` : outcome.message;
      if (message.replace(/\d+ window/, 'N window') !== lastProblem.replace(/\d+ window/, 'N window')) io.log(`postfix-ingest: ${message}`);
      lastProblem = message;
      nextPushAt = Date.now() + backoff;
      backoff = Math.min(backoff * 2, 60_000);
    }
    const dropped = p.pusher.stats.windowsDroppedOverflow;
    if (dropped > lastDropped) io.log(`postfix-ingest: buffer full (--max-buffered ${options.maxBuffered}): ${dropped - lastDropped} oldest window(s) dropped`);
    lastDropped = dropped;
  };

  io.log(`postfix-ingest: following ${options.file} as source ${options.source}${options.dryRun ? ' (dry run)' : ` for ${options.site}`}`);
  follower.start();
  const stopped = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  while (!signal.aborted) {
    await Promise.race([sleep(Math.min(1000, options.pollMs * 2)), stopped]);
    if (signal.aborted) break;
    const idle = Date.now() - lastLineAt > options.idleFlushS * 1000;
    p.collect(idle);
    await push();
    if (Date.now() >= nextStatsAt) {
      io.log(p.summary('postfix-ingest:'));
      nextStatsAt = Date.now() + options.statsEveryS * 1000;
    }
  }

  await follower.stop();
  p.collect(true);
  // A last few tries so that stopping right after a burst of mail loses nothing.
  const giveUpAt = Date.now() + 10_000;
  while (!options.dryRun && p.pusher.buffered > 0 && Date.now() < giveUpAt) {
    await push({ force: true });
    if (p.pusher.buffered > 0) await sleep(1000);
  }
  io.log(p.summary('postfix-ingest: stopped:'));
  if (p.pusher.buffered > 0) {
    io.log(`postfix-ingest: ${p.pusher.bufferedWindows} window(s) could not be sent and are lost with this process; re-run without --follow on the log to send them`);
    return 1;
  }
  return 0;
}
