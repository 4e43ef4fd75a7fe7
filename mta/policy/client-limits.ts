// Per-client-IP admission limits, like Postfix's anvil: concurrent connections and messages per
// minute. Trusted networks are exempt, as in Postfix (smtpd_client_event_limit_exceptions).

export class ClientLimits {
  private readonly connections = new Map<string, number>();
  private readonly messageTimes = new Map<string, number[]>();

  constructor(
    private readonly maxConnectionsPerIp: number,
    private readonly maxMessagesPerMinute: number,
  ) {}

  /** Registers a connection; false when the client already has the maximum open. */
  openConnection(ip: string): boolean {
    const open = this.connections.get(ip) ?? 0;
    if (this.maxConnectionsPerIp > 0 && open >= this.maxConnectionsPerIp) return false;
    this.connections.set(ip, open + 1);
    return true;
  }

  closeConnection(ip: string): void {
    const open = (this.connections.get(ip) ?? 1) - 1;
    if (open <= 0) this.connections.delete(ip);
    else this.connections.set(ip, open);
  }

  /** Counts one message transaction; false when the client is over its per-minute allowance. */
  allowMessage(ip: string, now = Date.now()): boolean {
    if (this.maxMessagesPerMinute <= 0) return true;
    const windowStart = now - 60_000;
    const times = (this.messageTimes.get(ip) ?? []).filter((t) => t > windowStart);
    if (times.length >= this.maxMessagesPerMinute) {
      this.messageTimes.set(ip, times);
      return false;
    }
    times.push(now);
    this.messageTimes.set(ip, times);
    return true;
  }

  /** Drops per-minute history nobody needs any more, so idle clients do not hold memory. */
  sweep(now = Date.now()): void {
    for (const [ip, times] of this.messageTimes) {
      if (times.length === 0 || times[times.length - 1]! <= now - 60_000) this.messageTimes.delete(ip);
    }
  }
}
