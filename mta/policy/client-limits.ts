// Per-client-IP admission limits, like Postfix's anvil: concurrent connections, connections per
// minute and messages per minute. Trusted networks are exempt, as in Postfix
// (smtpd_client_event_limit_exceptions).

export class ClientLimits {
  private readonly connections = new Map<string, number>();
  private readonly messageTimes = new Map<string, number[]>();
  private readonly connectionTimes = new Map<string, number[]>();

  constructor(
    private readonly maxConnectionsPerIp: number,
    private readonly maxMessagesPerMinute: number,
    private readonly maxConnectionsPerMinute = 0,
  ) {}

  /** Registers a connection; says why not when the client has too many open or opened too many. */
  openConnection(ip: string, now = Date.now()): 'ok' | 'too-many' | 'too-fast' {
    const open = this.connections.get(ip) ?? 0;
    if (this.maxConnectionsPerIp > 0 && open >= this.maxConnectionsPerIp) return 'too-many';
    if (!this.withinRate(this.connectionTimes, ip, this.maxConnectionsPerMinute, now)) return 'too-fast';
    this.connections.set(ip, open + 1);
    return 'ok';
  }

  closeConnection(ip: string): void {
    const open = (this.connections.get(ip) ?? 1) - 1;
    if (open <= 0) this.connections.delete(ip);
    else this.connections.set(ip, open);
  }

  /** Counts one message transaction; false when the client is over its per-minute allowance. */
  allowMessage(ip: string, now = Date.now()): boolean {
    return this.withinRate(this.messageTimes, ip, this.maxMessagesPerMinute, now);
  }

  /** Sliding one-minute window: records the event and answers true while under the limit. */
  private withinRate(events: Map<string, number[]>, ip: string, perMinute: number, now: number): boolean {
    if (perMinute <= 0) return true;
    const windowStart = now - 60_000;
    const times = (events.get(ip) ?? []).filter((t) => t > windowStart);
    if (times.length >= perMinute) {
      events.set(ip, times);
      return false;
    }
    times.push(now);
    events.set(ip, times);
    return true;
  }

  /** Drops per-minute history nobody needs any more, so idle clients do not hold memory. */
  sweep(now = Date.now()): void {
    for (const events of [this.messageTimes, this.connectionTimes]) {
      for (const [ip, times] of events) {
        if (times.length === 0 || times[times.length - 1]! <= now - 60_000) events.delete(ip);
      }
    }
  }
}
