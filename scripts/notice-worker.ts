// The notice worker, its own process next to the site and the MTA (scripts/start.mjs):
//   node --conditions=react-server --import tsx scripts/notice-worker.ts
// SIGTERM/SIGINT: stop claiming, finish the copies in flight, exit. SIGKILL is survivable too
// (lib/notices/outbox.ts explains how).
import { runNoticeWorker } from '../lib/notices/worker';

const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());

try {
  await runNoticeWorker({ signal: stop.signal });
  process.exit(0);
} catch (error) {
  console.error('notice worker:', error);
  process.exit(1);
}
