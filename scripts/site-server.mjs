// The site's HTTP server: Next.js's own request handler (the one `next start` runs) behind a
// plain node:http server, for one reason: to tell the application which address connected.
// `next start` passes a client's X-Forwarded-For through as it came and writes the socket's
// address only when there is none, so the application cannot tell a real client address from one a
// client made up. Here every request carries the socket's address in PEER_HEADER, replacing
// whatever the client sent; lib/http/client-address.ts believes forwarded headers only when that
// address is one of TRUSTED_PROXIES.
//
// It also answers anonymous GETs of the hottest public URLs (the status page, the Statuspage
// documents, feeds, badge and widget, the pages of open incidents, the build's scripts and style
// sheets) from copies kept in memory and rebuilt from Next.js when the data changes
// (scripts/lib/snapshot.mjs), so that a crowd never queues behind Next.js's handler.
//
//   PORT=3000 HOST=127.0.0.1 node scripts/site-server.mjs
//
// SIGTERM/SIGINT: stop accepting connections, finish the requests in flight, exit.
import http from 'node:http';
import path from 'node:path';
import { createSnapshot } from './lib/snapshot.mjs';

/** lib/http/client-address.ts reads this header, and only when the marker below is set. */
const PEER_HEADER = 'x-tayori-peer';
// Set in this process only: without this server in front, PEER_HEADER could come from a client.
globalThis[Symbol.for('tayori.site-server')] = true;

const ROOT = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || '127.0.0.1';
// As `next start` does, before Next.js and React load.
process.env.NODE_ENV = 'production';
process.title = 'tayori-site';

const { default: next } = await import('next');

const shown = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
// What `next start` sets: the origin the site reaches itself on (lib/env.ts selfOrigin, its rule tick).
process.env.PORT = String(port);
process.env.__NEXT_PRIVATE_ORIGIN = `http://${shown}:${port}`;

// lib/env.ts's PAGE_REVALIDATE_SECONDS (which refuses a bad value when Next.js starts): the copies
// are fetched again at least this often, as Next.js regenerates its pages.
const revalidateSeconds = Number(process.env.PAGE_REVALIDATE_SECONDS) || 30;
const snapshot = createSnapshot({ revalidateSeconds, deploymentId: process.env.NEXT_DEPLOYMENT_ID });
// lib/cache/refresh.ts calls this after every status change it expires the pages for.
globalThis[Symbol.for('tayori.status-pages-changed')] = () => snapshot.statusChanged();

const server = http.createServer((req, res) => {
  if (snapshot.serve(req, res)) return;
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
  snapshot.passThrough(req, res, () => handle(req, res)).catch((error) => {
    console.error(`site: request for ${req.url} failed:`, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
server.once('error', (error) => {
  console.error(`site: cannot listen on ${hostname}:${port}: ${error.message}`);
  process.exit(1);
});

const app = next({ dev: false, dir: ROOT, hostname, port, httpServer: server });
await app.prepare();
const handle = app.getRequestHandler();

// The snapshot fetches its copies from Next.js's handler through a server of its own on a loopback
// port: the same handler, without the snapshot in front and without waiting for a change to be
// shown (passThrough), and reachable before the site's port is open.
const handlerServer = http.createServer((req, res) => {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
  handle(req, res).catch((error) => {
    console.error(`site: request for ${req.url} failed:`, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
await new Promise((resolve) => handlerServer.listen(0, '127.0.0.1', resolve));
handlerServer.unref();
await snapshot.start(`http://127.0.0.1:${handlerServer.address().port}`);

await new Promise((resolve) => server.listen(port, hostname, resolve));
console.log(`site: ready on http://${shown}:${port}`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  snapshot.stop();
  handlerServer.close();
  // Requests in flight finish (an `after()` callback may still run inside one); then Next.js closes.
  server.close(() => app.close().finally(() => process.exit(0)));
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 10_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
