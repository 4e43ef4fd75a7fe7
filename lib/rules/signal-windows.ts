import 'server-only';
import { db } from '../db';
import { WINDOW_SECONDS, type RuleLevel, type WindowObservation } from './engine';
import { confirmationsOf, freshForS, signalAt, worseLevel, type AlertRow, type ProbeResultRow, type ProbeSpec } from './signal-level';

// A component's reported signals (Alertmanager's alerts in ComponentAlert, the built-in probes'
// results in ProbeResult) as the rule engine's windows: synthetic 10-second windows aligned like
// the MTAs' rollups, each with the level the signals asserted at its end (lib/rules/signal-level.ts).

const WINDOW_MS = WINDOW_SECONDS * 1000;

interface ComponentSignals {
  alerts: AlertRow[];
  receivesAlerts: boolean;
  probes: { spec: ProbeSpec; results: ProbeResultRow[] }[];
}

/** The starts of the aligned windows after `after` up to `upTo` (both as the mail rollups count them). */
function windowStarts(after: Date, upTo: Date): number[] {
  const starts: number[] = [];
  for (let t = Math.floor(after.getTime() / WINDOW_MS) * WINDOW_MS + WINDOW_MS; t <= upTo.getTime(); t += WINDOW_MS) starts.push(t);
  return starts;
}

/** Whether a component has any signal to read: a probe, or an alert ever received. */
export async function hasSignals(componentId: string): Promise<boolean> {
  const [probe, alert] = await Promise.all([
    db.probe.findFirst({ where: { componentId, enabled: true }, select: { id: true } }),
    db.componentAlert.findFirst({ where: { componentId }, select: { id: true } }),
  ]);
  return Boolean(probe || alert);
}

/** The rows that can speak for moments between `from` and `to`. */
async function readSignals(componentId: string, from: Date, to: Date): Promise<ComponentSignals> {
  const [alerts, anyAlert, probes] = await Promise.all([
    db.componentAlert.findMany({
      where: { componentId, startsAt: { lte: to }, OR: [{ endsAt: null }, { endsAt: { gt: from } }] },
      select: { level: true, startsAt: true, endsAt: true },
    }),
    db.componentAlert.findFirst({ where: { componentId }, select: { id: true } }),
    db.probe.findMany({ where: { componentId, enabled: true }, select: { id: true, intervalS: true, timeoutS: true, settings: true, failureStatus: true, degradedAboveMs: true } }),
  ]);
  const withResults = await Promise.all(
    probes.map(async (p) => {
      const spec: ProbeSpec = { intervalS: p.intervalS, timeoutS: p.timeoutS, confirmations: confirmationsOf(p.settings), failureStatus: p.failureStatus, degradedAboveMs: p.degradedAboveMs };
      // Enough history before the first moment for its confirmations to be counted.
      const lookbackMs = (spec.confirmations + 1) * freshForS(spec) * 1000;
      const results = await db.probeResult.findMany({
        where: { probeId: p.id, at: { gt: new Date(from.getTime() - lookbackMs), lte: to } },
        select: { location: true, at: true, ok: true, latencyMs: true },
        orderBy: { at: 'asc' },
      });
      return { spec, results };
    }),
  );
  return { alerts, receivesAlerts: Boolean(anyAlert), probes: withResults };
}

/**
 * The `signals` rule's windows: one per 10 seconds after `after` up to `upTo`, with the level of
 * the component's alerts and probes at the window's end and the worst probe latency (ms) as its
 * value. A window with nothing to say (probes alone, none fresh) is left out, so that the rule
 * shows "no data" after its noDataAfterS, as a mail rule does when no MTA reports.
 */
export async function signalWindows(componentId: string, after: Date, upTo: Date): Promise<WindowObservation[]> {
  const starts = windowStarts(after, upTo);
  if (!starts.length) return [];
  const signals = await readSignals(componentId, new Date(starts[0]), new Date(starts.at(-1)! + WINDOW_MS));
  const windows: WindowObservation[] = [];
  for (const start of starts) {
    const snapshot = signalAt(signals, new Date(start + WINDOW_MS));
    if (snapshot) windows.push({ start: new Date(start), seconds: WINDOW_SECONDS, value: snapshot.value, level: snapshot.level });
  }
  return windows;
}

/**
 * A mail rule's windows with the component's alerts and probes folded in: each window's level is
 * the worse of what its measurement says (`classify`) and what the signals say at its end, so an
 * alert on a mail component is never silently ignored. Unchanged when the component has none.
 */
export async function withSignals(componentId: string, windows: WindowObservation[], classify: (w: WindowObservation) => RuleLevel): Promise<WindowObservation[]> {
  if (!windows.length || !(await hasSignals(componentId))) return windows;
  const first = windows[0].start;
  const last = windows.at(-1)!;
  const signals = await readSignals(componentId, first, new Date(last.start.getTime() + last.seconds * 1000));
  return windows.map((w) => {
    const snapshot = signalAt(signals, new Date(w.start.getTime() + w.seconds * 1000));
    if (!snapshot) return w;
    const own = w.level ?? classify(w);
    return { ...w, level: worseLevel(own, snapshot.level) };
  });
}
