/**
 * An idle worker's pause between two looks at its outbox: `ms`, or less if `signal` aborts. The
 * listener goes when the timer fires: one per idle poll would pile up on the signal.
 */
export function idle(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const wake = () => (clearTimeout(timer), resolve());
    const timer = setTimeout(() => (signal?.removeEventListener('abort', wake), resolve()), ms);
    signal?.addEventListener('abort', wake, { once: true });
  });
}
