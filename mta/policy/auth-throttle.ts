// Throttles SMTP AUTH the way fail2ban and Dovecot's auth penalty do, per client (an IPv4
// address, an IPv6 /64: clientNetwork) and per user name, over a sliding window:
//   - every failed login is answered later than the one before (delayMs, doubling, at most 16×),
//     so guessing costs time even before anything else applies;
//   - after maxFailures failures of the client, or for the user name (guessed from many
//     addresses), further logins are refused with a temporary 454 without even looking at the
//     password, until old failures leave the window;
//   - a client whose failed and refused logins reach blockAfter is put on the blocklist (the
//     caller does that through AutoBlocker).
// Logins in progress count as failures for the check, so that parallel sessions cannot squeeze
// more guesses in than one session could.

export interface AuthThrottleSettings {
  /** wait before the first failure's reply; doubles with each further one; 0 = none */
  delayMs: number;
  /** failures per client or user name within the window before logins are refused; 0 = never */
  maxFailures: number;
  windowMs: number;
  /** failed plus refused logins of one client that put it on the blocklist; 0 = never */
  blockAfter: number;
}

export type AuthCheck = { allowed: true } | { allowed: false; scope: 'client' | 'user' };

/** The longest delay, as a multiple of delayMs: 1, 2, 4, 8, 16. */
const MAX_DELAY_FACTOR = 16;
/** User names are chosen by the client: only this much of one is kept as a key. */
const MAX_USER_KEY = 256;

export class AuthThrottle {
  /** client → times of its failed logins */
  private readonly clientFailures = new Map<string, number[]>();
  /** client → times of its failed and refused logins (what blocks it) */
  private readonly clientAttempts = new Map<string, number[]>();
  /** user name → times of failed logins with it, from anywhere */
  private readonly userFailures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly settings: AuthThrottleSettings) {}

  /** Before a login is checked: may it go ahead, or is the client or the name refused for now? */
  check(client: string, user: string, now = Date.now()): AuthCheck {
    const max = this.settings.maxFailures;
    if (max <= 0) return { allowed: true };
    if (this.recent(this.clientFailures, client, now) + (this.inFlight.get(client) ?? 0) >= max) return { allowed: false, scope: 'client' };
    if (this.recent(this.userFailures, userKey(user), now) >= max) return { allowed: false, scope: 'user' };
    return { allowed: true };
  }

  /** A login is being checked (until finished() is called). */
  started(client: string): void {
    this.inFlight.set(client, (this.inFlight.get(client) ?? 0) + 1);
  }

  finished(client: string): void {
    const n = (this.inFlight.get(client) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(client);
    else this.inFlight.set(client, n);
  }

  /**
   * Records a failed login. Answers how long to wait before replying, and the client's failed
   * and refused logins within the window (to compare with blockAfter).
   */
  failed(client: string, user: string, now = Date.now()): { delayMs: number; attempts: number } {
    const failures = Math.max(this.record(this.clientFailures, client, now), this.record(this.userFailures, userKey(user), now));
    const attempts = this.record(this.clientAttempts, client, now);
    const delayMs = this.settings.delayMs * Math.min(MAX_DELAY_FACTOR, 2 ** (failures - 1));
    return { delayMs, attempts };
  }

  /** Records a login refused by check(); answers the client's failed and refused logins. */
  refused(client: string, now = Date.now()): number {
    return this.record(this.clientAttempts, client, now);
  }

  /** Starts a client afresh once it is blocked, so that it is not blocked again the moment the block ends. */
  forget(client: string): void {
    this.clientFailures.delete(client);
    this.clientAttempts.delete(client);
  }

  /** Drops what has left the window, so idle clients and names cost no memory. */
  sweep(now = Date.now()): void {
    for (const events of [this.clientFailures, this.clientAttempts, this.userFailures]) {
      for (const [key, times] of events) if (times[times.length - 1]! <= now - this.settings.windowMs) events.delete(key);
    }
  }

  private recent(events: Map<string, number[]>, key: string, now: number): number {
    const times = events.get(key);
    if (!times) return 0;
    const start = now - this.settings.windowMs;
    return times.filter((t) => t > start).length;
  }

  /** Adds an event; keeps only what the window and the thresholds need. Answers the count in the window. */
  private record(events: Map<string, number[]>, key: string, now: number): number {
    const start = now - this.settings.windowMs;
    const times = (events.get(key) ?? []).filter((t) => t > start);
    times.push(now);
    const keep = Math.max(this.settings.maxFailures, this.settings.blockAfter, MAX_DELAY_FACTOR) + 1;
    if (times.length > keep) times.splice(0, times.length - keep);
    events.set(key, times);
    return times.length;
  }
}

function userKey(user: string): string {
  return user.trim().toLowerCase().slice(0, MAX_USER_KEY);
}
