// The scan queue. In 'fair' mode every sending source (client IP) gets its turn in rotation,
// so one flooding source cannot starve everyone else, and anything that has waited longer than
// the priority age goes first (the 2014 remediation "deliver delayed mail early").
// 'fifo' mode is the 2014 behaviour, kept so a drill can replay it.
// KnownFirstQueue puts two of these one behind the other: mail from known senders
// (mta/reputation) is scanned before any newcomer's, each class taking turns among its own sources.

export interface Queueable {
  id: string;
  sourceKey: string;
  /** when the item joined the queue (ms) */
  queuedAt: number;
}

class Deque<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  /** The items from the head on, without taking them. */
  *from(): Generator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    // Compact now and then so a long-lived queue does not keep every item it ever held.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class FairQueue<T extends Queueable> {
  private readonly bySource = new Map<string, Deque<T>>();
  private readonly rotation: string[] = [];
  private turn = 0;
  /** Arrival order across all sources; entries already taken are skipped lazily. */
  private readonly arrivals = new Deque<T>();
  private readonly waiting = new Set<string>();

  constructor(
    private readonly mode: 'fair' | 'fifo',
    private readonly priorityAgeMs: number,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  push(item: T): void {
    if (this.waiting.has(item.id)) return;
    this.waiting.add(item.id);
    this.arrivals.push(item);
    if (this.mode === 'fifo') return;
    let queue = this.bySource.get(item.sourceKey);
    if (!queue) {
      queue = new Deque<T>();
      this.bySource.set(item.sourceKey, queue);
      this.rotation.push(item.sourceKey);
    }
    queue.push(item);
  }

  /** The item that has waited longest, without taking it. */
  oldest(): T | undefined {
    this.dropTaken(this.arrivals);
    return this.arrivals.peek();
  }

  shift(now = Date.now()): T | undefined {
    const oldest = this.oldest();
    if (!oldest) return undefined;
    if (this.mode === 'fifo' || now - oldest.queuedAt >= this.priorityAgeMs) return this.take(oldest);
    while (this.rotation.length > 0) {
      if (this.turn >= this.rotation.length) this.turn = 0;
      const key = this.rotation[this.turn]!;
      const queue = this.bySource.get(key)!;
      this.dropTaken(queue);
      const item = queue.peek();
      if (!item) {
        this.bySource.delete(key);
        this.rotation.splice(this.turn, 1);
        continue;
      }
      this.turn++;
      return this.take(item);
    }
    return undefined;
  }

  /**
   * How many waiting items a message from a sender with nothing waiting, joining now, would be
   * taken after, if nothing else joined: every one in FIFO mode; in fair mode those past the
   * priority age (they go first) and one turn for each other sender with mail waiting. The site's
   * arrival estimate divides it by the scan rate.
   */
  aheadOfNewcomer(now = Date.now()): number {
    if (this.mode === 'fifo') return this.size;
    let aged = 0;
    let senders = 0;
    // A new sender joins the rotation at its end: the senders from the current turn on go first.
    for (let i = this.turn >= this.rotation.length ? 0 : this.turn; i < this.rotation.length; i++) {
      const queue = this.bySource.get(this.rotation[i]!)!;
      this.dropTaken(queue);
      if (queue.length > 0) senders++;
    }
    // Arrival order is age order: count from the oldest until one is younger than the priority age.
    this.dropTaken(this.arrivals);
    for (const item of this.arrivals.from()) {
      if (now - item.queuedAt < this.priorityAgeMs) break;
      if (this.waiting.has(item.id)) aged++;
    }
    return Math.min(this.size, aged + senders);
  }

  /** Takes an item out without handing it on (a message deleted by the postmaster). */
  remove(id: string): boolean {
    return this.waiting.delete(id);
  }

  /** Takes every waiting item at once (scan bypass), oldest first. */
  drain(): T[] {
    const all: T[] = [];
    let item: T | undefined;
    while ((item = this.oldest())) all.push(this.take(item));
    return all;
  }

  /** Takes out every waiting item that matches, oldest first (mail moving to another class). */
  extract(match: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const item of this.arrivals.from()) if (this.waiting.has(item.id) && match(item)) out.push(item);
    for (const item of out) this.waiting.delete(item.id);
    return out;
  }

  private take(item: T): T {
    this.waiting.delete(item.id);
    return item;
  }

  private dropTaken(queue: Deque<T>): void {
    while (queue.length > 0 && !this.waiting.has(queue.peek()!.id)) queue.shift();
  }
}

export type SenderClassName = 'known' | 'unknown';

/**
 * The scan queue with reputation: known senders' mail (customers, their correspondents, senders
 * with clean history) goes before any unknown sender's, so a flood spread over thousands of
 * newcomers cannot make customers' usual mail wait. Within each class the FairQueue rules hold
 * (turns between sources, long-waiting mail first). Unknown mail is served whenever no known mail
 * waits; known mail is what people expect promptly, and there is far less of it than of a flood.
 */
export class KnownFirstQueue<T extends Queueable> {
  private readonly known: FairQueue<T>;
  private readonly unknown: FairQueue<T>;

  /** ordered = false (the 2014 FIFO replay): classes are kept apart for the breaker, but served in arrival order. */
  constructor(mode: 'fair' | 'fifo', priorityAgeMs: number, private readonly ordered = mode === 'fair') {
    this.known = new FairQueue<T>(mode, priorityAgeMs);
    this.unknown = new FairQueue<T>(mode, priorityAgeMs);
  }

  get size(): number {
    return this.known.size + this.unknown.size;
  }

  sizeOf(cls: SenderClassName): number {
    return this.queue(cls).size;
  }

  push(item: T, cls: SenderClassName): void {
    this.queue(cls).push(item);
  }

  /** The item that has waited longest, of either class. */
  oldest(): T | undefined {
    const k = this.known.oldest();
    const u = this.unknown.oldest();
    if (!k || !u) return k ?? u;
    return k.queuedAt <= u.queuedAt ? k : u;
  }

  oldestOf(cls: SenderClassName): T | undefined {
    return this.queue(cls).oldest();
  }

  /** The next item to scan, and its class. */
  shift(now = Date.now()): { item: T; cls: SenderClassName } | undefined {
    if (!this.ordered) {
      const oldest = this.oldest();
      if (!oldest) return undefined;
      const cls = oldest === this.known.oldest() ? 'known' : 'unknown';
      return { item: this.queue(cls).shift(Number.POSITIVE_INFINITY)!, cls };
    }
    const known = this.known.shift(now);
    if (known) return { item: known, cls: 'known' };
    const unknown = this.unknown.shift(now);
    return unknown ? { item: unknown, cls: 'unknown' } : undefined;
  }

  /** What a first-time (unknown) sender's message would wait behind: all known mail, then its turn among the unknown. */
  aheadOfNewcomer(now = Date.now()): number {
    return this.known.size + this.unknown.aheadOfNewcomer(now);
  }

  /** Takes the oldest item of one class. */
  shiftOldest(cls: SenderClassName): T | undefined {
    return this.queue(cls).shift(Number.POSITIVE_INFINITY);
  }

  remove(id: string): boolean {
    return this.known.remove(id) || this.unknown.remove(id);
  }

  /** Unknown mail that matches moves to the known class (its sender just became known). */
  promote(match: (item: T) => boolean): number {
    const moved = this.unknown.extract(match);
    for (const item of moved) this.known.push(item);
    return moved.length;
  }

  /** Takes every waiting item at once (scan bypass), oldest first, with its class. */
  drain(): Array<{ item: T; cls: SenderClassName }> {
    const all = [
      ...this.known.drain().map((item) => ({ item, cls: 'known' as const })),
      ...this.unknown.drain().map((item) => ({ item, cls: 'unknown' as const })),
    ];
    return all.sort((a, b) => a.item.queuedAt - b.item.queuedAt);
  }

  private queue(cls: SenderClassName): FairQueue<T> {
    return cls === 'known' ? this.known : this.unknown;
  }
}
