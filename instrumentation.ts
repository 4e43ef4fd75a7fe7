// Runs once when the server starts: schedules the site's tick (lib/cache/ticker.ts) in the Node.js runtime.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startSiteTicker } = await import('./lib/cache/ticker');
  startSiteTicker();
}
