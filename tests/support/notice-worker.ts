// Runs the worker (worker/main.ts) as its own process, as `npm start` does: the rules, the
// automatic incidents, maintenance, and the notice and webhook fan-out.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, siteEnv } from './site';

export interface RunningWorker {
  child: ChildProcess;
  output: () => string;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

export function startNoticeWorker(env: Record<string, string>): RunningWorker {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join(ROOT, 'worker/main.ts')], {
    cwd: ROOT,
    env: siteEnv({ NOTICE_POLL_MS: '100', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  return {
    child,
    output: () => log,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
