import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EX_CONFIG, supervise } from './supervisor.mjs';

// Real child processes (node -e …), with the pauses shortened.
const node = (name: string, code: string) => ({ name, command: process.execPath, args: ['-e', code] });
const forever = 'setInterval(() => {}, 1000)';
// healthyAfterMs is long, so a slow start on a busy machine still counts as a quick failure.
const fast = { firstDelayMs: 50, maxDelayMs: 400, healthyAfterMs: 20_000, graceMs: 1000 };

function recorder() {
  const lines: string[] = [];
  return { lines, log: (line: string) => lines.push(line) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(probe: () => T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('supervise', () => {
  it('starts a killed process again and leaves the others running', async () => {
    const { lines, log } = recorder();
    const s = supervise([node('site', forever), node('mta', forever)], { ...fast, log });
    const first = await until(() => (Object.keys(s.pids()).length === 2 ? s.pids() : null));
    process.kill(first.mta!, 'SIGKILL');
    const second = await until(() => (s.pids().mta && s.pids().mta !== first.mta ? s.pids() : null));
    expect(second.site).toBe(first.site);
    expect(alive(first.site!)).toBe(true);
    expect(lines.some((l) => /^mta exited \(SIGKILL\) after .*; starting it again in 0\.1 s$/.test(l))).toBe(true);
    expect(await s.stop('test')).toBe(0);
    expect(alive(second.site!) || alive(second.mta!)).toBe(false);
  });

  it('waits longer after each quick failure', async () => {
    const { lines, log } = recorder();
    const s = supervise([node('worker', 'process.exit(3)'), node('site', forever)], { ...fast, giveUpAfter: 10, log });
    await until(() => lines.filter((l) => l.startsWith('worker exited')).length >= 4);
    await s.stop('test');
    const delays = lines.filter((l) => l.startsWith('worker exited (3)')).map((l) => /again in ([\d.]+) s/.exec(l)?.[1]);
    expect(delays.slice(0, 4)).toEqual(['0.1', '0.1', '0.2', '0.4']);
  });

  it('stops everything when a process cannot start: five quick failures, or a configuration error at once', async () => {
    const failing = recorder();
    const s = supervise([node('site', 'process.exit(1)'), node('mta', forever)], { ...fast, log: failing.log });
    expect(await s.done).toBe(1);
    expect(failing.lines).toContain('site exited (1), 5 times in a row within 20 s of starting; stopping');
    expect(failing.lines).toContain('mta stopped (SIGTERM)');

    const misconfigured = recorder();
    const t = supervise([node('mta', `process.exit(${EX_CONFIG})`), node('site', forever)], { ...fast, log: misconfigured.log });
    expect(await t.done).toBe(EX_CONFIG);
    expect(misconfigured.lines.filter((l) => l.startsWith('mta started'))).toHaveLength(1);
  });

  it('stop() ends every process, with SIGKILL for one that ignores SIGTERM', async () => {
    const { lines, log } = recorder();
    const ready = path.join(mkdtempSync(path.join(tmpdir(), 'supervisor-')), 'ready');
    const stubborn = `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); ${forever}`;
    const s = supervise([node('stubborn', stubborn), node('site', forever)], { ...fast, log });
    const pids = await until(() => (Object.keys(s.pids()).length === 2 && existsSync(ready) ? s.pids() : null));
    const started = Date.now();
    expect(await s.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(lines).toContain('stubborn still running after 1.0 s; killing it');
    expect(alive(pids.stubborn!) || alive(pids.site!)).toBe(false);
  });
});
