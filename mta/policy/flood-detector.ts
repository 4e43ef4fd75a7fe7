// Counts, per client IP, what a flooding or dictionary-spamming client does a lot of: MAIL
// transactions, and recipients the MTA refuses. Sliding window; only the newest threshold + 1
// times are kept per IP, so a client costs at most that much memory however fast it sends.

/** What a client did too much of; auth_failures are counted by AuthThrottle, not here. */
export type FloodTrigger = 'messages' | 'rejected_recipients' | 'auth_failures';

export interface FloodThresholds {
  /** more than this many MAIL transactions within the window is a flood; 0 = never */
  messagesPerMinute: number;
  /** more than this many refused recipients within the window is a flood; 0 = never */
  rejectedRecipientsPerMinute: number;
}

export interface FloodMeasurement {
  trigger: FloodTrigger;
  /** events within the window, the one that crossed the threshold included */
  count: number;
  threshold: number;
  windowS: number;
}

export const FLOOD_WINDOW_MS = 60_000;

export class FloodDetector {
  private readonly events: Record<'messages' | 'rejected_recipients', Map<string, number[]>> = { messages: new Map(), rejected_recipients: new Map() };

  constructor(
    private readonly thresholds: FloodThresholds,
    private readonly windowMs = FLOOD_WINDOW_MS,
  ) {}

  /** Records one MAIL transaction; returns the measurement when the client is now over its threshold. */
  message(ip: string, now = Date.now()): FloodMeasurement | undefined {
    return this.record('messages', ip, this.thresholds.messagesPerMinute, now);
  }

  /** Records one refused recipient; returns the measurement when the client is now over its threshold. */
  rejectedRecipient(ip: string, now = Date.now()): FloodMeasurement | undefined {
    return this.record('rejected_recipients', ip, this.thresholds.rejectedRecipientsPerMinute, now);
  }

  /** Starts a client afresh (once blocked, its old events must not block it again after expiry). */
  forget(ip: string): void {
    for (const events of Object.values(this.events)) events.delete(ip);
  }

  /** Drops clients with nothing left in the window, so idle clients do not hold memory. */
  sweep(now = Date.now()): void {
    for (const events of Object.values(this.events)) {
      for (const [ip, times] of events) if (times[times.length - 1]! <= now - this.windowMs) events.delete(ip);
    }
  }

  /** Number of clients with events in memory (for tests and diagnostics). */
  get trackedClients(): number {
    return new Set([...this.events.messages.keys(), ...this.events.rejected_recipients.keys()]).size;
  }

  private record(trigger: 'messages' | 'rejected_recipients', ip: string, threshold: number, now: number): FloodMeasurement | undefined {
    if (threshold <= 0) return undefined;
    const windowStart = now - this.windowMs;
    const times = (this.events[trigger].get(ip) ?? []).filter((t) => t > windowStart);
    times.push(now);
    if (times.length > threshold + 1) times.splice(0, times.length - threshold - 1);
    this.events[trigger].set(ip, times);
    if (times.length <= threshold) return undefined;
    return { trigger, count: times.length, threshold, windowS: this.windowMs / 1000 };
  }
}
