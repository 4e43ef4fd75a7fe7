// Runs processes side by side and keeps them running, for `npm start` (scripts/start.mjs).
//
// A process that exits on its own is started again after a pause, 1 s at first and doubling up to
// 30 s while it keeps failing soon after starting; the others keep running meanwhile (the status
// page says "no data" while the MTA is away). A process that cannot start at all (five quick
// failures in a row, or exit code 78, EX_CONFIG: a bad setting) stops everything instead, so the
// error is seen rather than retried for ever. stop() ends them all: SIGTERM, then SIGKILL for any
// still running after the grace period.
import { spawn } from 'node:child_process';

/** sysexits.h EX_CONFIG: the MTA exits with it on a bad setting; no restart can mend that. */
export const EX_CONFIG = 78;

/**
 * @typedef {{ name: string, command: string, args: string[], env?: NodeJS.ProcessEnv, beforeStart?: () => void }} ProcessSpec
 * @typedef {{ log?: (line: string) => void, firstDelayMs?: number, maxDelayMs?: number, healthyAfterMs?: number, giveUpAfter?: number, graceMs?: number }} SuperviseOptions
 */

/**
 * Starts every process in `specs` and supervises them. `done` resolves with the exit code the
 * launcher should end with, once every process has ended (after stop(), or after giving up).
 * @param {ProcessSpec[]} specs
 * @param {SuperviseOptions} [options]
 */
export function supervise(specs, options = {}) {
  const { log = (line) => console.log(`tayori: ${line}`), firstDelayMs = 1000, maxDelayMs = 30_000, healthyAfterMs = 30_000, giveUpAfter = 5, graceMs = 15_000 } = options;
  /** @type {Map<string, { spec: ProcessSpec, child: import('node:child_process').ChildProcess | null, startedAt: number, quickFailures: number, timer: NodeJS.Timeout | null }>} */
  const running = new Map(specs.map((spec) => [spec.name, { spec, child: null, startedAt: 0, quickFailures: 0, timer: null }]));
  let stopping = false;
  let exitCode = 0;
  /** @type {(code: number) => void} */
  let finish = () => {};
  const done = new Promise((resolve) => (finish = resolve));

  function start(state) {
    state.timer = null;
    if (stopping) return;
    state.spec.beforeStart?.();
    const child = spawn(state.spec.command, state.spec.args, { env: state.spec.env ?? process.env, stdio: 'inherit' });
    state.child = child;
    state.startedAt = Date.now();
    log(`${state.spec.name} started (pid ${child.pid ?? '?'})`);
    let ended = false;
    const onEnd = (/** @type {string} */ how, /** @type {number | null} */ code) => {
      if (ended) return;
      ended = true;
      state.child = null;
      afterExit(state, how, code);
    };
    child.on('exit', (code, signal) => onEnd(signal ?? String(code), code));
    // Could not be started at all (e.g. the command is missing): a failure like any other.
    child.on('error', (error) => onEnd(error.message, 1));
  }

  function afterExit(state, how, code) {
    const name = state.spec.name;
    if (stopping) {
      log(`${name} stopped (${how})`);
      return settleIfAllEnded();
    }
    if (code === EX_CONFIG) {
      log(`${name} exited (${how}): its configuration is invalid (see above); stopping`);
      return stop('configuration', EX_CONFIG);
    }
    const ranMs = Date.now() - state.startedAt;
    state.quickFailures = ranMs < healthyAfterMs ? state.quickFailures + 1 : 1;
    if (state.quickFailures >= giveUpAfter) {
      log(`${name} exited (${how}), ${state.quickFailures} times in a row within ${Math.round(healthyAfterMs / 1000)} s of starting; stopping`);
      return stop('give up', 1);
    }
    const delay = Math.min(firstDelayMs * 2 ** (state.quickFailures - 1), maxDelayMs);
    log(`${name} exited (${how}) after ${formatDuration(ranMs)}; starting it again in ${formatDuration(delay)}`);
    state.timer = setTimeout(() => start(state), delay);
  }

  function settleIfAllEnded() {
    if ([...running.values()].every((s) => s.child === null)) finish(exitCode);
  }

  /**
   * Stops every process (SIGTERM, then SIGKILL after the grace period) and resolves `done`.
   * @param {string} why
   * @param {number} [code]
   */
  function stop(why, code = 0) {
    if (stopping) return done;
    stopping = true;
    exitCode = code;
    log(`stopping (${why})`);
    for (const state of running.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      state.child?.kill('SIGTERM');
    }
    const kill = setTimeout(() => {
      for (const state of running.values()) {
        if (!state.child) continue;
        log(`${state.spec.name} still running after ${formatDuration(graceMs)}; killing it`);
        state.child.kill('SIGKILL');
      }
    }, graceMs);
    kill.unref();
    settleIfAllEnded();
    return done;
  }

  for (const state of running.values()) start(state);
  return {
    done,
    stop,
    /** The pid of each process now running, by name (for tests and diagnostics). */
    pids: () => Object.fromEntries([...running.values()].filter((s) => s.child).map((s) => [s.spec.name, s.child?.pid])),
  };
}

/** @param {number} ms */
function formatDuration(ms) {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
