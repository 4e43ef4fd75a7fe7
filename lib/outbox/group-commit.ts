import type { AppliedTransitions, Transition, TransitionGroup } from './adapter';

// Group commit: transitions requested while the previous write was running are committed
// together, "finishing" and "sent" alike, one statement per kind and claim token. That is what lets
// one SQLite writer keep up with many SMTP connections. Each caller's promise resolves with whether
// its row made the transition (false: another worker took the row over).
// A session waits for its "finishing" before the final dot, so those are committed at the next
// turn; nothing waits for "sent", so a lone "sent" waits a little for company (in a fan-out, the
// next "finishing" commit takes it along) instead of costing a commit of its own.
//
// A "sent" that cannot be written (the database is unreachable) is kept and written again every
// `retryMs` until it is: on PostgreSQL the "finishing" of such a copy may have been lost with the
// same connection (its COMMIT goes out with the dots, unawaited), leaving the row in "sending";
// given up, it would be sent a second time once its lease ran out.

export interface GroupCommitOptions<Row> {
  apply: (groups: TransitionGroup[], at: Date) => Promise<AppliedTransitions>;
  /** Runs once "sent" rows are durably committed (a mail subscriber's bounce count is cleared). */
  afterSent?: (rows: Row[]) => Promise<void>;
  /** Where failures are reported; the first argument says what failed. */
  log?: (message: string, error?: unknown) => void;
  /** How long a lone "sent" waits for company. */
  lingerMs?: number;
  /** How often a "sent" that could not be written is tried again. */
  retryMs?: number;
}

interface Waiter<Row> {
  row: Row;
  to: Transition;
  resolve: (ok: boolean) => void;
  reject: (error: unknown) => void;
}

type Keyed = { id: string; claimToken: string };

export class GroupCommit<Row extends Keyed> {
  private readonly waiting: Waiter<Row>[] = [];
  private committing: Promise<void> | null = null;
  private lingering: NodeJS.Timeout | null = null;
  private readonly unrecordedSent: Waiter<Row>[] = [];
  private sentRetry: NodeJS.Timeout | null = null;
  /** Some "sent" failed to be written and no flush has seen all of them written since. */
  private outstanding = false;
  private readonly sideEffects = new Set<Promise<void>>();
  private readonly lingerMs: number;
  private readonly retryMs: number;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(private readonly options: GroupCommitOptions<Row>) {
    this.lingerMs = options.lingerMs ?? 10;
    this.retryMs = options.retryMs ?? 1000;
    this.log = options.log ?? ((message, error) => console.error(message, error ?? ''));
  }

  /** Commits `row`'s transition with the next group; false if this worker no longer holds the row. */
  request(row: Row, to: Transition): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, to, resolve, reject });
      this.schedule(to === 'finishing');
    });
  }

  /** Whether some "sent" could not be written yet: claims wait for them (a lapsed lease would send the copy again). */
  get hasUnrecordedSent(): boolean {
    return this.outstanding;
  }

  /** Commits every transition waiting; false while some "sent" could not be written. */
  async flush(): Promise<boolean> {
    this.retrySent();
    while (this.waiting.length || this.committing) {
      this.schedule(true);
      await this.committing;
    }
    await Promise.all(this.sideEffects);
    if (this.unrecordedSent.length) return false;
    this.outstanding = false;
    return true;
  }

  /**
   * Waits until every transition is committed (before the worker exits), trying unwritten "sent"
   * transitions again for up to `giveUpAfterMs` while the database is unreachable. Returns how
   * many were given up.
   */
  async settle(giveUpAfterMs = 30_000): Promise<number> {
    const deadline = Date.now() + giveUpAfterMs;
    while (!(await this.flush())) {
      if (Date.now() > deadline) {
        if (this.sentRetry) clearTimeout(this.sentRetry);
        this.sentRetry = null;
        const lost = this.unrecordedSent.splice(0);
        lost.forEach((w) => w.resolve(false));
        this.log(`${lost.length} sent copies could not be recorded and may be sent again`);
        return lost.length;
      }
      await new Promise((r) => setTimeout(r, this.retryMs));
    }
    return 0;
  }

  private schedule(soon: boolean) {
    if (this.committing) return; // the running commit schedules the next when it ends
    if (this.lingering) {
      if (!soon) return;
      clearTimeout(this.lingering);
      this.lingering = null;
    }
    if (!soon) {
      this.lingering = setTimeout(() => ((this.lingering = null), this.schedule(true)), this.lingerMs);
      return;
    }
    // One event-loop turn first: replies that arrived on other sessions in the same turn join
    // this commit instead of each paying for its own.
    this.committing = new Promise<void>((r) => setImmediate(r))
      .then(() => this.commit())
      .finally(() => {
        this.committing = null;
        if (this.waiting.length) this.schedule(this.waiting.some((w) => w.to === 'finishing'));
      });
  }

  private async commit() {
    const batch = this.waiting.splice(0);
    const groups = new Map<string, Waiter<Row>[]>();
    for (const w of batch) {
      const key = `${w.to}|${w.row.claimToken}`;
      const group = groups.get(key);
      if (group) group.push(w);
      else groups.set(key, [w]);
    }
    const entries = [...groups.values()];
    try {
      const { changed, committed } = await this.options.apply(
        entries.map((ws) => ({ to: ws[0]!.to, claimToken: ws[0]!.row.claimToken, ids: ws.map((w) => w.row.id) })),
        new Date(),
      );
      // Resolved in the turn the commit went out, so that the dots follow it at once.
      const ours = new Set<Waiter<Row>>();
      for (const [i, ws] of entries.entries()) {
        const ids = new Set(changed[i]);
        for (const w of ws) if (ids.has(w.row.id)) ours.add(w);
      }
      batch.forEach((w) => w.resolve(ours.has(w)));
      const failed = await committed.then(
        () => false,
        (error) => {
          this.log('an outbox commit failed after its copies were handed over:', error);
          this.recordSentLater(batch);
          return true;
        },
      );
      if (failed || !this.options.afterSent) return;
      const sent = [...ours].filter((w) => w.to === 'sent').map((w) => w.row);
      if (sent.length) this.track(this.options.afterSent(sent));
    } catch (error) {
      // A "finishing" that failed keeps its dots unsent; a "sent" is kept and written again.
      batch.filter((w) => w.to === 'finishing').forEach((w) => w.reject(error));
      this.log('an outbox commit failed:', error);
      this.recordSentLater(batch);
    }
  }

  private track(effect: Promise<void>) {
    const tracked = effect.catch((error) => this.log('after a sent commit:', error)).finally(() => this.sideEffects.delete(tracked));
    this.sideEffects.add(tracked);
  }

  private recordSentLater(batch: Waiter<Row>[]) {
    const sent = batch.filter((w) => w.to === 'sent');
    if (!sent.length) return;
    this.unrecordedSent.push(...sent);
    this.outstanding = true;
    this.sentRetry ??= setTimeout(() => this.retrySent(), this.retryMs);
  }

  private retrySent() {
    if (this.sentRetry) clearTimeout(this.sentRetry);
    this.sentRetry = null;
    this.waiting.push(...this.unrecordedSent.splice(0));
    if (this.waiting.length) this.schedule(true);
  }
}
