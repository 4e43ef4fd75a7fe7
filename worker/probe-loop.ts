// Built-in probes (lib/probes): every enabled probe this worker's PROBE_LOCATION runs, once per
// interval. A run's slot is its interval (epoch seconds / intervalS); the result row's id names the
// probe, the location and the slot, so several workers at one location store one result per slot
// between them (the first to finish wins, a worker that sees the slot taken skips it). The results
// feed the component's status through the rules (lib/rules/signal-windows.ts) and the latency chart.
import { env } from '../lib/env';
import { runProbe } from '../lib/probes/run';
import { probesToRun, pruneProbeResults, recordResult, slotTaken, type RunnableProbe } from '../lib/probes/store';
import { sleep } from './sleep';

const TICK_MS = 1_000;
/** Probes are re-read this often, so a console edit takes effect within seconds. */
const RELOAD_MS = 5_000;
const PRUNE_EVERY_MS = 3600_000;
// As long as the longest chart (lib/probes/queries.ts): 30 days.
const KEEP_MS = 31 * 86_400_000;

export async function runProbeLoop({ signal, log = console.log, location = env.PROBE_LOCATION }: { signal?: AbortSignal; log?: (line: string) => void; location?: string } = {}): Promise<void> {
  if (!env.PROBES_ENABLED) return;
  log(`worker: probes at location ${location}`);
  const lastSlot = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  let probes: RunnableProbe[] = [];
  let loadedAt = 0;
  let lastPrune = 0;

  const runOne = async (probe: RunnableProbe, slot: number) => {
    if (await slotTaken(probe.id, location, slot)) return;
    const at = new Date();
    const outcome = await runProbe(probe, signal);
    if (signal?.aborted) return;
    await recordResult(probe.id, location, slot, at, outcome);
  };

  while (!signal?.aborted) {
    const now = Date.now();
    if (now - loadedAt >= RELOAD_MS) {
      try {
        probes = await probesToRun(location);
        loadedAt = now;
      } catch (error) {
        log(`worker: reading probes failed: ${error}`);
      }
    }
    for (const probe of probes) {
      const slot = Math.floor(now / 1000 / probe.intervalS);
      if (lastSlot.get(probe.id) === slot || inFlight.has(probe.id)) continue;
      lastSlot.set(probe.id, slot);
      const run = runOne(probe, slot)
        .catch((error) => log(`worker: probe ${probe.id} failed to run: ${error}`))
        .finally(() => inFlight.delete(probe.id));
      inFlight.set(probe.id, run);
    }
    if (now - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = now;
      await pruneProbeResults(new Date(now - KEEP_MS)).catch((error) => log(`worker: pruning probe results failed: ${error}`));
    }
    await sleep(TICK_MS, signal);
  }
  await Promise.allSettled(inFlight.values());
}
