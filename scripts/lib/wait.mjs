// For the scripts, benchmarks and tests that start servers on this machine: a free port to start
// one on, whether it listens yet, and polling until it (or anything else) is ready.
import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether something accepts TCP connections on 127.0.0.1:`port` now.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/**
 * Calls `probe` every `everyMs` until it returns something truthy, and returns that. After
 * `timeoutMs` it throws, naming `what`.
 * @template T
 * @param {string} what
 * @param {() => T | Promise<T>} probe
 * @param {number} [timeoutMs]
 * @param {number} [everyMs]
 * @returns {Promise<Exclude<T, undefined | null | false | 0 | ''>>}
 */
export async function waitFor(what, probe, timeoutMs = 30_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return /** @type {any} */ (value);
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
