import { runDns } from './dns';
import { runHttp } from './http';
import { runImap } from './imap';
import { runPop3 } from './pop3';
import { runSmtp } from './smtp';
import { runTcp } from './tcp';
import { ProbeFailure, type ProbeOutcome, type ProbeSpec } from './types';
import type { ProbeKind } from './schema';

const RUNNERS: Record<ProbeKind, (probe: ProbeSpec, signal: AbortSignal) => Promise<Record<string, unknown>>> = {
  http: runHttp,
  tcp: runTcp,
  dns: runDns,
  smtp: runSmtp,
  imap: runImap,
  pop3: runPop3,
};

/**
 * Runs a probe once. The timeout is enforced here for every kind: whatever a runner is waiting
 * for (a server that accepts and never answers), the outcome is settled at timeoutS. Never throws.
 */
export async function runProbe(probe: ProbeSpec, signal?: AbortSignal): Promise<ProbeOutcome> {
  const timeout = AbortSignal.timeout(probe.timeoutS * 1000);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const onAbort = () => reject(ProbeFailure.of('noAnswer', { seconds: probe.timeoutS }));
    if (combined.aborted) onAbort();
    combined.addEventListener('abort', onAbort, { once: true });
    // Belt and braces: a runner that ignores its signal still cannot hold the loop past the timeout.
    timer = setTimeout(onAbort, probe.timeoutS * 1000 + 50);
  });
  try {
    const detail = await Promise.race([RUNNERS[probe.kind](probe, combined), deadline]);
    return { ok: true, latencyMs: elapsed(), ...(Object.keys(detail).length ? { detail } : {}) };
  } catch (error) {
    const failure = error instanceof ProbeFailure ? error : new ProbeFailure(error instanceof Error ? error.message : String(error));
    const worded = timeout.aborted && !(error instanceof ProbeFailure) ? ProbeFailure.of('noAnswer', { seconds: probe.timeoutS }, failure.detail) : failure;
    const detail = { ...worded.detail, ...(worded.problem ? { problem: worded.problem } : {}) };
    return { ok: false, latencyMs: elapsed(), error: worded.message, ...(Object.keys(detail).length ? { detail } : {}) };
  } finally {
    clearTimeout(timer);
    deadline.catch(() => {});
  }
}
