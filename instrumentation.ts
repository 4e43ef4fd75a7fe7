// Runs once when the server starts: schedules the rule tick in the Node.js runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startRuleTicker } = await import('./lib/metrics/ticker');
  startRuleTicker();
}
