// Per-destination limits for outbound mail, after Postfix's queue manager: at most `concurrency`
// deliveries in flight to one destination (default_destination_concurrency_limit), starts spaced by
// `rateDelayMs` (default_destination_rate_delay), and a destination that keeps failing (421, 4xx,
// refused connections) held for `backoffMs` with all its waiting mail, instead of every message
// hammering it (Postfix's "dead destination"). When the hold ends, one delivery probes it first;
// a success opens it up again, a failure holds it again at once.
//
// Mail that cannot start yet waits here, per destination, without taking a delivery slot: a
// destination that is busy or held never keeps mail for the others waiting (no head-of-line blocking).

export interface DestinationLimits {
  concurrency: number;
  rateDelayMs: number;
  /** consecutive failed deliveries after which the destination is held */
  failureLimit: number;
  backoffMs: number;
}

export type BlockReason = 'busy' | 'rate' | 'held';

export interface Blocked {
  destination: string;
  reason: BlockReason;
  /** when the destination can take a delivery again; undefined while busy (a finish frees it) */
  untilMs?: number;
}

export interface DestinationSnapshot {
  destination: string;
  active: number;
  waiting: number;
  consecutiveFailures: number;
  /** ms timestamp while held, else null */
  heldUntil: number | null;
  /** true after a hold, until a delivery succeeds: one delivery at a time */
  probing: boolean;
}

interface Waiting {
  id: string;
}

/** A FIFO with removal by id that stays O(1) per operation for very long queues. */
class WaitingLine<T extends Waiting> {
  private items: T[] = [];
  private head = 0;
  private readonly ids = new Set<string>();

  get size(): number {
    return this.ids.size;
  }

  push(item: T): void {
    if (this.ids.has(item.id)) return;
    this.ids.add(item.id);
    this.items.push(item);
  }

  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      if (this.ids.delete(item.id)) return item;
    }
    return undefined;
  }

  remove(id: string): boolean {
    return this.ids.delete(id);
  }
}

interface DestinationState<T extends Waiting> {
  active: number;
  lastStartMs: number;
  consecutiveFailures: number;
  heldUntil: number | null;
  probing: boolean;
  lastUsedMs: number;
  waiting: WaitingLine<T>;
}

/** How long a healthy, idle destination is remembered (it shows in /metrics meanwhile). */
const IDLE_FORGET_MS = 5 * 60_000;

export class DestinationScheduler<T extends Waiting> {
  private readonly states = new Map<string, DestinationState<T>>();
  /** which destination each waiting item waits for */
  private readonly waitingFor = new Map<string, string>();
  /** destinations with mail waiting: few, however many destinations were used lately */
  private readonly withWaiting = new Set<string>();
  private turn = 0;

  constructor(private readonly limits: DestinationLimits) {}

  private state(destination: string, now: number): DestinationState<T> {
    let s = this.states.get(destination);
    if (!s) {
      s = { active: 0, lastStartMs: -Infinity, consecutiveFailures: 0, heldUntil: null, probing: false, lastUsedMs: now, waiting: new WaitingLine<T>() };
      this.states.set(destination, s);
    }
    return s;
  }

  /** Why a delivery to `destination` cannot start now, or undefined when it can. */
  blocked(destination: string, now: number): Blocked | undefined {
    const s = this.states.get(destination);
    if (!s) return undefined;
    if (s.heldUntil !== null) {
      if (now < s.heldUntil) return { destination, reason: 'held', untilMs: s.heldUntil };
      s.heldUntil = null;
      s.probing = true;
    }
    if (s.active >= (s.probing ? 1 : this.limits.concurrency)) return { destination, reason: 'busy' };
    const next = s.lastStartMs + this.limits.rateDelayMs;
    if (this.limits.rateDelayMs > 0 && now < next) return { destination, reason: 'rate', untilMs: next };
    return undefined;
  }

  /** The first of a delivery's destinations that cannot take it now. */
  firstBlocked(destinations: Iterable<string>, now: number): Blocked | undefined {
    for (const d of destinations) {
      const b = this.blocked(d, now);
      if (b) return b;
    }
    return undefined;
  }

  start(destination: string, now: number): void {
    const s = this.state(destination, now);
    s.active++;
    s.lastStartMs = now;
    s.lastUsedMs = now;
  }

  /**
   * A delivery to `destination` ended. 'failed' = nothing was accepted or refused for good (421,
   * 4xx, no connection); 'ok' = the destination answered; 'none' = no verdict (a local error).
   * Answers true when this failure put the destination on hold.
   */
  finish(destination: string, result: 'ok' | 'failed' | 'none', now: number): boolean {
    const s = this.state(destination, now);
    s.active = Math.max(0, s.active - 1);
    s.lastUsedMs = now;
    if (result === 'ok') {
      s.consecutiveFailures = 0;
      s.probing = false;
      return false;
    }
    if (result === 'none') return false;
    s.consecutiveFailures++;
    if (s.consecutiveFailures >= this.limits.failureLimit && s.heldUntil === null) {
      s.heldUntil = now + this.limits.backoffMs;
      s.probing = false;
      return true;
    }
    return false;
  }

  /** Puts an item aside until `destination` can take it. */
  park(destination: string, item: T, now: number): void {
    const previous = this.waitingFor.get(item.id);
    if (previous !== undefined) this.states.get(previous)?.waiting.remove(item.id);
    this.state(destination, now).waiting.push(item);
    this.waitingFor.set(item.id, destination);
    this.withWaiting.add(destination);
  }

  /** An item waiting for a destination that can take a delivery now, destinations taking turns. */
  takeReady(now: number): T | undefined {
    const candidates = [...this.withWaiting];
    for (let i = 0; i < candidates.length; i++) {
      const destination = candidates[(this.turn + i) % candidates.length]!;
      const s = this.states.get(destination);
      if (!s || s.waiting.size === 0) {
        this.withWaiting.delete(destination);
        continue;
      }
      if (this.blocked(destination, now)) continue;
      const item = s.waiting.shift()!;
      this.waitingFor.delete(item.id);
      if (s.waiting.size === 0) this.withWaiting.delete(destination);
      this.turn = (this.turn + i + 1) % candidates.length;
      return item;
    }
    return undefined;
  }

  /** The earliest time a held or rate-limited destination with waiting mail opens, if any. */
  nextWakeMs(now: number): number | undefined {
    let earliest: number | undefined;
    for (const destination of this.withWaiting) {
      const b = this.blocked(destination, now);
      if (b?.untilMs !== undefined && (earliest === undefined || b.untilMs < earliest)) earliest = b.untilMs;
    }
    return earliest;
  }

  /** Takes every item waiting for `destination` (it was just held: their lifetimes are looked at again). */
  takeAll(destination: string): T[] {
    const line = this.states.get(destination)?.waiting;
    const all: T[] = [];
    let item: T | undefined;
    while (line && (item = line.shift())) {
      this.waitingFor.delete(item.id);
      all.push(item);
    }
    this.withWaiting.delete(destination);
    return all;
  }

  remove(id: string): boolean {
    const destination = this.waitingFor.get(id);
    if (destination === undefined) return false;
    this.waitingFor.delete(id);
    return this.states.get(destination)?.waiting.remove(id) ?? false;
  }

  get waitingCount(): number {
    return this.waitingFor.size;
  }

  /** Ends every hold now (the admin "flush", as Postfix's `postqueue -f` flushes its dead destinations). */
  releaseHolds(): number {
    let released = 0;
    for (const s of this.states.values()) {
      if (s.heldUntil === null) continue;
      s.heldUntil = null;
      s.probing = true;
      released++;
    }
    return released;
  }

  /** Each destination the scheduler knows, for /metrics and the admin API; idle healthy ones are forgotten. */
  snapshot(now: number): DestinationSnapshot[] {
    this.forgetIdle(now);
    const out: DestinationSnapshot[] = [];
    for (const [destination, s] of this.states) {
      if (s.heldUntil !== null && now >= s.heldUntil) this.blocked(destination, now);
      out.push({ destination, active: s.active, waiting: s.waiting.size, consecutiveFailures: s.consecutiveFailures, heldUntil: s.heldUntil, probing: s.probing });
    }
    return out.sort((a, b) => b.active + b.waiting - (a.active + a.waiting) || a.destination.localeCompare(b.destination));
  }

  /** Drops what is remembered of destinations idle and healthy for a while (mail to many domains). */
  forgetIdle(now: number): void {
    for (const [destination, s] of this.states) {
      const idle = s.active === 0 && s.waiting.size === 0 && s.heldUntil === null && s.consecutiveFailures === 0;
      if (idle && now - s.lastUsedMs > IDLE_FORGET_MS) this.states.delete(destination);
    }
  }
}
