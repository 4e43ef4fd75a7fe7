// Sends rollups to the site's /api/ingest/mail-metrics, oldest first, at most 500 per request.
// Rollups the site could not be reached for stay in a bounded in-memory buffer and go out, in
// order, on the next try. The site takes each (source, window_start) once, so re-sending after a
// lost answer counts nothing twice.
import type { RollupBody } from './rollups.js';

export const MAX_PER_REQUEST = 500;

export type PushOutcome =
  /** Everything buffered was taken. */
  | { kind: 'done' }
  /** The site could not be reached (network, timeout, 5xx, 429): the rollups are kept. */
  | { kind: 'unreachable'; message: string }
  /** The site answered that it will not take these (400, 401, 413 for a single rollup). */
  | { kind: 'refused'; status: number; message: string };

export interface PusherOptions {
  endpoint: string;
  /** Read on every request, so a token file rewritten while following is picked up. */
  token: () => string;
  /** Most rollups kept while the site is unreachable; the oldest are dropped beyond it. */
  maxBuffered: number;
  fetchTimeoutMs?: number;
}

export class RollupPusher {
  private readonly pending: RollupBody[] = [];
  private batchSize = MAX_PER_REQUEST;
  /** Rollups, and the windows they belong to (a source sends one rollup per flow and window). */
  readonly stats = { sent: 0, accepted: 0, duplicates: 0, droppedOverflow: 0, droppedInvalid: 0, windowsDroppedOverflow: 0, windowsDroppedInvalid: 0 };

  constructor(private readonly options: PusherOptions) {}

  get buffered(): number {
    return this.pending.length;
  }

  /** The windows the buffered rollups belong to. */
  get bufferedWindows(): number {
    return windowsOf(this.pending);
  }

  enqueue(rollups: RollupBody[]): void {
    this.pending.push(...rollups);
    const excess = this.pending.length - this.options.maxBuffered;
    if (excess > 0) {
      const dropped = this.pending.splice(0, excess);
      this.stats.droppedOverflow += excess;
      this.stats.windowsDroppedOverflow += windowsOf(dropped);
    }
  }

  /**
   * Sends everything buffered, in order. On "refused" with status 400 the rollups the site named
   * are dropped from the buffer when `dropInvalid` is set (a follower must not stall on them).
   */
  async flush(options: { dropInvalid?: boolean } = {}): Promise<PushOutcome> {
    while (this.pending.length > 0) {
      const batch = this.pending.slice(0, this.batchSize);
      let status: number;
      let text: string;
      try {
        const response = await fetch(this.options.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token()}` },
          body: JSON.stringify({ rollups: batch }),
          signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 15_000),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return { kind: 'unreachable', message: `${this.options.endpoint}: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
      }

      if (status === 200) {
        this.pending.splice(0, batch.length);
        this.stats.sent += batch.length;
        try {
          const answer = JSON.parse(text) as { accepted?: number; duplicates?: number };
          this.stats.accepted += answer.accepted ?? 0;
          this.stats.duplicates += answer.duplicates ?? 0;
        } catch {
          /* the site took them; the counts are only for the report */
        }
        continue;
      }
      if (status === 413 && this.batchSize > 1) {
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
        continue;
      }
      if (status === 401) return { kind: 'refused', status, message: 'the site refused the ingest token (401): set INGEST_TOKEN, or DATA_DIR to the site\'s data directory holding ingest-token' };
      if (status === 400 || status === 413) {
        const message = `the site refused ${batch.length} rollup(s) starting at ${batch[0]!.window_start} (${status}): ${text.slice(0, 2000)}`;
        if (options.dropInvalid) this.dropNamed(batch, status, text);
        return { kind: 'refused', status, message };
      }
      if (status >= 500 || status === 429 || status === 408) return { kind: 'unreachable', message: `${this.options.endpoint} answered ${status}` };
      return { kind: 'refused', status, message: `${this.options.endpoint} answered ${status}: ${text.slice(0, 500)}` };
    }
    return { kind: 'done' };
  }

  /** Drops the rollups a 400 answer names ("rollups.3.delivered"), or the whole batch when it names none. */
  private dropNamed(batch: RollupBody[], status: number, text: string): void {
    let indexes = new Set<number>();
    if (status === 400) {
      try {
        const fields = (JSON.parse(text) as { fields?: { path: string }[] }).fields ?? [];
        indexes = new Set(fields.map((f) => /^rollups\.(\d+)/.exec(f.path)?.[1]).filter((i): i is string => i !== undefined).map(Number));
      } catch {
        /* not the site's JSON: drop the batch */
      }
    }
    if (indexes.size === 0) indexes = new Set(batch.map((_, i) => i));
    const bad = new Set([...indexes].map((i) => batch[i]).filter(Boolean));
    const kept = this.pending.filter((r) => !bad.has(r));
    this.stats.droppedInvalid += this.pending.length - kept.length;
    this.stats.windowsDroppedInvalid += windowsOf(this.pending.filter((r) => bad.has(r)));
    this.pending.splice(0, this.pending.length, ...kept);
  }
}

function windowsOf(rollups: readonly RollupBody[]): number {
  return new Set(rollups.map((r) => r.window_start)).size;
}
