import { env } from './env';

// Named points where a crash test can make a process die at once (SIGKILL, no clean-up), to
// prove that what was committed before it is complete and what comes after is recovered. Inert
// unless TAYORI_CRASH_AT names the point.
export function crashPoint(name: string): void {
  if (env.TAYORI_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
