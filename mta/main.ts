// Entry point: `npm run mta` (tsx mta/main.ts).
import { loadConfig } from './config.js';
import { createLog } from './log.js';
import { startMta, type RunningMta } from './mta.js';

const log = createLog();
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(78); // EX_CONFIG
}

let mta: RunningMta | undefined;
let firstSignal: { name: string; at: number } | undefined;

function stop(signal: string): void {
  log(`${signal} received, finishing work in progress`);
  mta!.stop().then(
    () => process.exit(0),
    (error: Error) => {
      log(`shutdown failed: ${error.message}`);
      process.exit(1);
    },
  );
}

// Installed before the MTA starts: a stop signal that arrives while it starts up is kept and
// acted on once it is up, instead of killing it half-way.
const onSignal = (signal: string) => {
  // Ctrl-C under `npm start` reaches us twice (SIGINT from the terminal, SIGTERM from the
  // launcher): only a repeat after a few seconds means "stop now".
  if (firstSignal) {
    if (Date.now() - firstSignal.at < 3000) return;
    log(`${signal} again, exiting now`);
    process.exit(1);
  }
  firstSignal = { name: signal, at: Date.now() };
  if (mta) stop(signal);
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

try {
  mta = await startMta(config, log);
  if (firstSignal) stop(firstSignal.name);
} catch (error) {
  log(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}
