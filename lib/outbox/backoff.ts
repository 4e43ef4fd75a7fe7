/** Exponential backoff with jitter: base, 2×base, 4×base … each ±20 %. */
export function retryDelayMs(attempts: number, baseSeconds: number, random = Math.random()): number {
  return Math.round(baseSeconds * 1000 * 2 ** Math.max(0, attempts - 1) * (0.8 + 0.4 * random));
}
