// Retry schedule for deferred mail, like Postfix: the wait doubles from the minimum up to the
// maximum, and a message that is still undeliverable after the queue lifetime is bounced.

export interface BackoffSettings {
  backoffMinMs: number;
  backoffMaxMs: number;
  maxQueueLifetimeMs: number;
}

export function nextRetryDelayMs(attempts: number, s: BackoffSettings): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(s.backoffMaxMs, s.backoffMinMs * 2 ** Math.min(exponent, 30));
}

export function lifetimeExpired(receivedAt: number, now: number, s: BackoffSettings): boolean {
  return now - receivedAt >= s.maxQueueLifetimeMs;
}
