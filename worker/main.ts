// The worker: its own process beside the site and the MTA (scripts/start.mjs,
// deploy/systemd/tayori-worker.service). The site only stores what arrives; everything that
// follows from it happens here: the status loop (rules, automatic incidents, maintenance, the
// notice sweep), the fan-out of notices and webhooks, and the end-to-end canary when it is on.
//   node --conditions=react-server --import tsx worker/main.ts
// SIGTERM/SIGINT: stop taking work, finish the copies in flight, exit. SIGKILL is survivable too
// (lib/outbox/outbox.ts explains how; a rule change is one transaction, lib/rules/evaluate.ts).
import { noticeSettingsWarnings } from '../lib/notices/render/notice-mail';
import { runNoticeWorker } from '../lib/notices/worker';
import { runBounceLoop } from './bounce-loop';
import { runCanaryLoop } from './canary-loop';
import { runProbeLoop } from './probe-loop';
import { runStatusLoop } from './status-loop';

// One stop signal per part: the fan-out sizes its signal's listener limit to its own lanes.
const stops = [new AbortController(), new AbortController(), new AbortController(), new AbortController(), new AbortController()] as const;
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stops.forEach((s) => s.abort()));

// Said once at start: how receiving providers will see the notices (the sender's domain, the
// unsubscribe link). The site's process runs under the same supervisor, which prints this log.
for (const warning of noticeSettingsWarnings()) console.warn(`worker: warning: ${warning}`);

try {
  await Promise.all([runStatusLoop({ signal: stops[0].signal }), runNoticeWorker({ signal: stops[1].signal }), runCanaryLoop({ signal: stops[2].signal }), runBounceLoop({ signal: stops[3].signal }), runProbeLoop({ signal: stops[4].signal })]);
  process.exit(0);
} catch (error) {
  console.error('worker:', error);
  process.exit(1);
}
