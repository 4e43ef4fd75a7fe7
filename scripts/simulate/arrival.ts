// "When will it arrive?" checked against what happened: the replay reads the arrival estimate from
// the public API every second, as a customer would, and afterwards compares the estimate made at
// the backlog's peak with the delay that the legitimate mail accepted at that moment really had.

/** summary.json's `tayori_arrival_estimate`, as far as the replay reads it (docs/api.md). */
interface EstimateJson {
  as_of: string;
  expected_delay_s: number | null;
  no_estimate_reason: string | null;
  backlog_messages: number;
  text: string;
}

export interface EstimateSample {
  /** When the API served it (ms). */
  servedAt: number;
  estimate: EstimateJson;
}

/** Polls /api/v2/summary.json every second until stopped; keeps every estimate served (null ones are left out). */
export function watchArrivalEstimate(siteUrl: string): { samples: EstimateSample[]; stop: () => void } {
  const samples: EstimateSample[] = [];
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${siteUrl}/api/v2/summary.json`, { signal: AbortSignal.timeout(5000) });
        if (res.ok) {
          const body = (await res.json()) as { tayori_arrival_estimate?: EstimateJson | null };
          if (body.tayori_arrival_estimate) samples.push({ servedAt: Date.now(), estimate: body.tayori_arrival_estimate });
        }
      } catch {
        // the site is busy or restarting: keep polling
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void poll();
  return { samples, stop: () => (stopped = true) };
}

export interface ArrivalCheck {
  /** Estimates the API served during the arm. */
  samples: number;
  /** The moment the peak estimate is about (its as_of), in seconds since the flood began. */
  at: number;
  /** How long after that moment the API first served it. */
  servedAfterS: number;
  backlog: number;
  /** Seconds the API said mail sent then would take; null when it said it had no estimate. */
  estimateS: number | null;
  text: string;
  /** Legitimate messages accepted around that moment (±PROBE_WINDOW_MS), and the median of their delays until in the mailbox. */
  probes: number;
  actualS: number | null;
  /** (estimate − actual) / actual, in percent. */
  errorPct: number | null;
}

const PROBE_WINDOW_MS = 2500;

/**
 * The estimate at the backlog's peak (the largest backlog an estimate was shown with), beside the
 * delay of the legitimate mail accepted then. `delayS` is the replay's own measurement (accepted
 * until in the mailbox); null for mail that never arrived.
 */
export function checkArrivalEstimate<M extends { acceptedAt?: number }>(samples: EstimateSample[], legit: M[], delayS: (m: M) => number | null, floodStart: number): ArrivalCheck | null {
  if (!samples.length) return null;
  const peak = samples.reduce((best, s) => (s.estimate.backlog_messages > best.estimate.backlog_messages ? s : best));
  const asOf = Date.parse(peak.estimate.as_of);
  const firstServed = Math.min(...samples.filter((s) => s.estimate.as_of === peak.estimate.as_of).map((s) => s.servedAt));
  const near = (width: number) => legit.filter((m) => m.acceptedAt !== undefined && Math.abs(m.acceptedAt - asOf) <= width);
  // Legitimate mail arrives a few times a second: widen the window only if none was accepted then.
  const probes = (near(PROBE_WINDOW_MS).length ? near(PROBE_WINDOW_MS) : near(PROBE_WINDOW_MS * 2)).map(delayS).filter((d): d is number => d !== null);
  const sorted = probes.sort((a, b) => a - b);
  const actualS = sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : null;
  const estimateS = peak.estimate.expected_delay_s;
  return {
    samples: samples.length,
    at: (asOf - floodStart) / 1000,
    servedAfterS: (firstServed - asOf) / 1000,
    backlog: peak.estimate.backlog_messages,
    estimateS,
    text: peak.estimate.text,
    probes: sorted.length,
    actualS,
    errorPct: estimateS !== null && actualS ? ((estimateS - actualS) / actualS) * 100 : null,
  };
}
