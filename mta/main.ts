// Entry point: `npm run mta` (tsx mta/main.ts).
import { loadConfig } from './config.js';
import { createLog } from './log.js';
import { startMta } from './mta.js';

const log = createLog();
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(78); // EX_CONFIG
}

try {
  const mta = await startMta(config, log);
  let firstSignalAt = 0;
  const shutdown = (signal: string) => {
    // Ctrl-C under `npm start` reaches us twice (SIGINT from the terminal, SIGTERM from the
    // launcher): only a repeat after a few seconds means "stop now".
    if (firstSignalAt) {
      if (Date.now() - firstSignalAt < 3000) return;
      log(`${signal} again, exiting now`);
      process.exit(1);
    }
    firstSignalAt = Date.now();
    log(`${signal} received, finishing work in progress`);
    mta.stop().then(
      () => process.exit(0),
      (error: Error) => {
        log(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  log(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}
