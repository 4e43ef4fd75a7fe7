// Sends rollups from the on-disk outbox to the status site, oldest first, at most 500 per
// request. A rollup leaves the outbox only once the site has accepted it; the site accepts each
// (source, window_start) once, so a repeat after a lost reply is harmless.
import type { StateStore } from '../state/state-store.js';

const MAX_PER_REQUEST = 500;

export class RollupPusher {
  private running = false;
  private again = false;
  private batchSize = MAX_PER_REQUEST;
  private lastProblem = '';
  private stopped = false;
  private inFlight: AbortController | undefined;

  constructor(
    private readonly store: StateStore,
    private readonly endpoint: string,
    private readonly token: () => string,
    private readonly log: (line: string) => void,
  ) {}

  /** Pushes whatever is in the outbox; concurrent calls coalesce into one more round. */
  async push(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.pushBatch())) {
          /* keep going while batches are accepted */
        }
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
  }

  /** Sends one batch; true when it was accepted and more may be waiting. */
  private async pushBatch(): Promise<boolean> {
    const batch = this.store.peekRollups(this.batchSize);
    if (batch.length === 0) return false;
    this.inFlight = new AbortController();
    const timeout = setTimeout(() => this.inFlight?.abort(), 15_000);
    let status: number;
    let text = '';
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token()}` },
        body: JSON.stringify({ rollups: batch.map((b) => b.body) }),
        signal: this.inFlight.signal,
      });
      status = response.status;
      text = (await response.text()).slice(0, 300);
    } catch (error) {
      this.problem(`status site unreachable (${(error as Error).message}); rollups kept in the outbox`);
      return false;
    } finally {
      clearTimeout(timeout);
    }
    if (status >= 200 && status < 300) {
      this.store.removeRollups(batch.map((b) => b.id));
      if (this.lastProblem) this.log(`rollups reach the status site again`);
      this.lastProblem = '';
      return true;
    }
    if (status === 413 && this.batchSize > 1) {
      this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
      return true;
    }
    if (status === 400) {
      // The site will never take these; keeping them would block every later rollup.
      this.store.removeRollups(batch.map((b) => b.id));
      this.log(`status site refused ${batch.length} rollups as invalid and they were dropped: ${text}`);
      return true;
    }
    this.problem(status === 401 ? 'status site refused the ingest token (401); check INGEST_TOKEN' : `status site answered ${status}; rollups kept in the outbox`);
    return false;
  }

  private problem(message: string): void {
    if (message !== this.lastProblem) this.log(message);
    this.lastProblem = message;
  }
}
