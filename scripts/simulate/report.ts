// The replay's outputs: the side-by-side table, the RESULT line, and an SVG chart of legitimate
// mail delay over time for both setups.
import type { LoadResult } from './observe';
import type { Scenario } from './scenario';
import type { ArmResult } from './spam-flood';

const num = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : v.toFixed(digits));
const since = (to: number | null, from: number | null) => (to !== null && from !== null ? to - from : null);

export interface Headline {
  detect: number | null;
  firstNotice: number | null;
  recoveryNotice: number | null;
  /** Which arm the status-page figures come from. */
  from: ArmResult['setup'] | null;
}

/** The site's reaction times, from the arm whose delay crossed the threshold (the 2014 setup's, normally). */
export function headline(legacy: ArmResult, tayori: ArmResult): Headline {
  const arm = [legacy, tayori].find((a) => a.timeline.thresholdCrossed !== null && a.timeline.incidentShown !== null) ?? null;
  if (!arm) return { detect: null, firstNotice: null, recoveryNotice: null, from: null };
  const t = arm.timeline;
  return { detect: since(t.incidentShown, t.thresholdCrossed), firstNotice: since(t.firstNotice, t.thresholdCrossed), recoveryNotice: since(t.recoveryNotice, t.recovered), from: arm.setup };
}

export function table(s: Scenario, legacy: ArmResult, tayori: ArmResult): string {
  const rows: [string, (a: ArmResult) => string][] = [
    ['run time, real (= scenario time)', (a) => `${a.realSeconds.toFixed(0)} s`],
    ['legitimate mail sent during the flood', (a) => String(a.legit.sent)],
    ['  accepted / refused / failed', (a) => `${a.legit.accepted} / ${a.legit.refused} / ${a.legit.failed}`],
    ['  delivered (of which to Junk)', (a) => `${a.legit.delivered} (${a.legit.junked})`],
    ['  lost (accepted, never delivered)', (a) => String(a.legit.lost)],
    ['  delivered twice', (a) => String(a.legit.duplicates)],
    ['  delay p50', (a) => `${num(a.legit.delay.p50)} s`],
    ['  delay p95', (a) => `${num(a.legit.delay.p95)} s`],
    ['  delay max', (a) => `${num(a.legit.delay.max)} s`],
    ['  delivered without a spam check', (a) => String(a.legit.unscanned)],
    ['spam offered', (a) => String(a.spam.sent)],
    ['  refused (SMTP)', (a) => String(a.spam.refused)],
    ['  accepted', (a) => String(a.spam.accepted)],
    ['  delivered to INBOX / to Junk', (a) => `${a.spam.inbox} / ${a.spam.junk}`],
    ['  to INBOX unscanned (all from unknown senders)', (a) => String(a.spam.unscannedInbox)],
    ['  clients blocked automatically', (a) => String(a.spam.autoBlocked)],
    [`delay over ${s.thresholdS} s (s into the flood)`, (a) => num(a.timeline.thresholdCrossed)],
    ['  incident on the status page after', (a) => `${num(since(a.timeline.incidentShown, a.timeline.thresholdCrossed))} s`],
    ['  first notice in the mailbox after', (a) => `${num(since(a.timeline.firstNotice, a.timeline.thresholdCrossed))} s`],
    ['  opening notice to a hosted mailbox after', (a) => (a.hostedNotice ? `${num(a.hostedNotice.afterOpenedS)} s${a.hostedNotice.lane ? ' (lane)' : ''}` : '—')],
    ['    legitimate mail queued before it, overtaken', (a) => (a.hostedNotice ? `${a.hostedNotice.overtook}` : '—')],
    ['delay back under the threshold (s)', (a) => num(a.timeline.recovered)],
    ['  recovery notice in the mailbox after', (a) => `${num(since(a.timeline.recoveryNotice, a.timeline.recovered))} s`],
    ['arrival estimate at the backlog peak (s in)', (a) => (a.arrival ? `${num(a.arrival.at)} (${a.arrival.backlog} waiting)` : '—')],
    ['  estimate shown (API)', (a) => (a.arrival ? (a.arrival.estimateS === null ? 'no estimate' : `${a.arrival.estimateS} s`) : '—')],
    ['  delay of mail accepted then (median)', (a) => (a.arrival?.actualS != null ? `${num(a.arrival.actualS)} s (${a.arrival.probes})` : '—')],
    ['  estimate error', (a) => (a.arrival?.errorPct != null ? `${a.arrival.errorPct >= 0 ? '+' : ''}${num(a.arrival.errorPct, 0)} %` : '—')],
    ['domain lookup at the peak (s in)', (a) => (a.lookups ? `${num(a.lookups.at)} (${a.lookups.moment === 'incident_shown' ? 'incident' : 'flood end'})` : '—')],
    ['  own figures or all inbound; delay p95', (a) => (a.lookups?.domain ? `${a.lookups.domain.scope ?? a.lookups.domain.httpStatus}; ${num(a.lookups.domain.p95S)} s` : '—')],
    ['  waiting (the oldest for)', (a) => (a.lookups?.domain?.waiting != null ? `${a.lookups.domain.waiting} (${num(a.lookups.domain.oldestWaitingS, 0)} s)` : '—')],
    ['  late; incident named', (a) => (a.lookups?.domain?.late != null ? `${a.lookups.domain.late ? 'late' : 'not late'}; ${a.lookups.domain.incident ? 'yes' : 'no'}` : '—')],
    ['trace of a waiting message: stage', (a) => (a.lookups?.waiting ? `${a.lookups.waiting.stage ?? a.lookups.waiting.httpStatus}${a.lookups.waiting.waitingThen ? '' : ' (had arrived)'}` : '—')],
    ['  traced again once delivered: delay (replay)', (a) => (a.lookups?.delivered ? `${num(a.lookups.delivered.delayS)} s (${num(a.lookups.delivered.replayDelayS)} s)` : '—')],
    ['spam check skipped by the breaker (s)', (a) => num(a.timeline.scanSkipped)],
    ['  note on the status page after', (a) => `${num(since(a.timeline.scanNoteShown, a.timeline.scanSkipped))} s`],
    ['spam check back (s)', (a) => num(a.timeline.scanResumed)],
    ['  note closed after', (a) => `${num(since(a.timeline.scanNoteCleared, a.timeline.scanResumed))} s`],
    [`/ under load, ${s.loadConnections} connections, site server`, (a) => loadCell(a.load.next)],
    ['  through nginx (deploy/nginx/tayori.conf)', (a) => loadCell(a.load.nginx)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`${''.padEnd(width)}  ${'(a) 2014 setup'.padStart(18)}  ${'(b) Tayori'.padStart(18)}`];
  for (const [label, value] of rows) lines.push(`${label.padEnd(width)}  ${value(legacy).padStart(18)}  ${value(tayori).padStart(18)}`);
  for (const [name, arm] of [['(a)', legacy], ['(b)', tayori]] as const) {
    for (const load of [arm.load.next, arm.load.nginx]) if (load?.errors) lines.push(`${name} load errors via ${load.via}: ${load.errorDetail}`);
  }
  return lines.join('\n');
}

function loadCell(r: LoadResult | null): string {
  return r ? `${r.rps.toFixed(0)}/s p99 ${r.p99Ms} ms ${r.errors} err` : '—';
}

export function resultLine(legacy: ArmResult, tayori: ArmResult): string {
  const h = headline(legacy, tayori);
  const direct = tayori.load.next;
  const proxied = tayori.load.nginx;
  return (
    `RESULT simulate:spam-flood legacy_p95_s=${num(legacy.legit.delay.p95)} legacy_max_s=${num(legacy.legit.delay.max)} legacy_lost=${legacy.legit.lost}` +
    ` tayori_p95_s=${num(tayori.legit.delay.p95)} tayori_max_s=${num(tayori.legit.delay.max)} tayori_lost=${tayori.legit.lost}` +
    ` detect_s=${num(h.detect)} first_notice_s=${num(h.firstNotice)} recovery_notice_s=${num(h.recoveryNotice)}` +
    // The subscriber whose mailbox is on the flooded MTA: their 【障害発生】, from the incident's opening.
    ` legacy_onsystem_notice_s=${num(legacy.hostedNotice?.afterOpenedS)} tayori_onsystem_notice_s=${num(tayori.hostedNotice?.afterOpenedS)}` +
    ` page_p99_ms=${direct?.p99Ms ?? '—'} page_errors=${direct?.errors ?? '—'}` +
    ` proxy_page_p99_ms=${proxied?.p99Ms ?? '—'} proxy_page_errors=${proxied?.errors ?? '—'}` +
    // Spam let into inboxes without a scan: every spam sender of the replay is unknown (no history).
    ` tayori_unscanned_unknown_spam=${tayori.spam.unscannedInbox}` +
    // The arrival estimate is checked where mail is delayed: the 2014 setup's arm.
    ` eta_error_pct=${num(legacy.arrival?.errorPct, 0)}` +
    // A customer's lookups in the 2014 arm at the flood's peak: their domain, then one waiting message.
    ` legacy_domain_p95_s=${num(legacy.lookups?.domain?.p95S)} legacy_domain_late=${legacy.lookups?.domain?.late ?? '—'}` +
    ` legacy_trace_stage=${legacy.lookups?.waiting?.stage ?? '—'} legacy_trace_delivered_delay_s=${num(legacy.lookups?.delivered?.delayS)}`
  );
}

/** Max legitimate delay per 5 s of acceptance time, both setups, the threshold and the flood. */
export function delayChartSvg(s: Scenario, legacy: ArmResult, tayori: ArmResult): string {
  const W = 760, H = 380, L = 64, R = 20, T = 76, B = 52;
  const all = [...legacy.series, ...tayori.series];
  const xMin = -s.warmUpS;
  const xMax = Math.max(s.floodS, ...all.map(([t]) => t + 5));
  const yMax = Math.max(s.thresholdS * 1.5, ...all.map(([, d]) => d));
  // Whole minutes on the axis once delays run into minutes, seconds below that.
  const yStep = yMax > 240 ? niceCeil(yMax / 60 / 5) * 60 : niceCeil(yMax / 5);
  const yTop = Math.ceil(yMax / yStep) * yStep;
  const x = (t: number) => L + ((t - xMin) / (xMax - xMin)) * (W - L - R);
  const y = (d: number) => T + (1 - d / yTop) * (H - T - B);
  const line = (series: [number, number][]) => series.map(([t, d]) => `${x(t + 2.5).toFixed(1)},${y(d).toFixed(1)}`).join(' ');
  const yTicks = Array.from({ length: Math.round(yTop / yStep) + 1 }, (_, i) => yStep * i);
  const xStep = niceCeil((xMax - xMin) / 8);
  const xTicks: number[] = [];
  for (let t = Math.ceil(xMin / xStep) * xStep; t <= xMax; t += xStep) xTicks.push(t);
  const fmt = (v: number) => (yStep % 60 === 0 && v > 0 ? `${v / 60} min` : `${Math.round(v)} s`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
  <title>Legitimate mail delay during a spam flood: 2014 setup vs Tayori</title>
  <rect width="${W}" height="${H}" fill="#fff"/>
  <text x="${L}" y="20" font-size="15" font-weight="bold">正規メールの遅延 / Legitimate mail delay (max per 5 s)</text>
  <rect x="${x(0)}" y="${T}" width="${x(s.floodS) - x(0)}" height="${H - T - B}" fill="#fdecea"/>
  <text x="${x(0) + 4}" y="${T + 14}" fill="#b3261e">spam flood ${s.spamRate} msg/s</text>
  ${yTicks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e0e0e0"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`).join('\n  ')}
  ${xTicks.map((t) => `<text x="${x(t)}" y="${H - B + 18}" text-anchor="middle">${t}</text>`).join('\n  ')}
  <text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">seconds since the flood began (accepted at)</text>
  <line x1="${L}" x2="${W - R}" y1="${y(s.thresholdS)}" y2="${y(s.thresholdS)}" stroke="#777" stroke-dasharray="5 4"/>
  <text x="${W - R - 4}" y="${y(s.thresholdS) - 5}" text-anchor="end" fill="#555">status threshold ${s.thresholdS} s</text>
  <polyline fill="none" stroke="#c62828" stroke-width="2" points="${line(legacy.series)}"/>
  <polyline fill="none" stroke="#1565c0" stroke-width="2" points="${line(tayori.series)}"/>
  <rect x="${L}" y="38" width="12" height="3" fill="#c62828"/><text x="${L + 18}" y="43">(a) 2014 setup: FIFO, no recipient check, no blocklist, scan always on</text>
  <rect x="${L}" y="56" width="12" height="3" fill="#1565c0"/><text x="${L + 18}" y="61">(b) Tayori: fair queue, recipient check, auto-block, scan breaker</text>
  <line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>
</svg>
`;
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}
