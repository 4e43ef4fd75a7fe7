// A TCP proxy in front of PostgreSQL that plays a database outage at the worst moment for the
// notice outbox: it cuts the connection that is about to COMMIT a "finishing" transaction (the
// COMMIT never reaches the server, which rolls the transaction back), then refuses every new
// connection for `downMs`, as a database failing over would. It reads just enough of the wire
// protocol (message type and length) to recognise those two statements.
import net from 'node:net';
import { freePort } from '../../scripts/lib/wait.mjs';

export interface OutageProxy {
  /** `databaseUrl` with the proxy's port in place of the server's. */
  url: string;
  /** When the outage began (null until a "finishing" COMMIT came by). */
  cutAt: () => number | null;
  close: () => Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export async function startOutageProxy(databaseUrl: string, downMs: number): Promise<OutageProxy> {
  const target = new URL(databaseUrl);
  let cutAt: number | null = null;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    if (cutAt !== null && Date.now() - cutAt < downMs) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const cut = () => (client.destroy(), upstream.destroy());
    client.on('close', cut);
    upstream.on('close', cut);
    upstream.pipe(client);

    let pending = Buffer.alloc(0);
    let startup = true; // the first messages (startup, SSL request) carry no type byte
    let finishingTransaction = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const headerLength = startup ? 0 : 1;
        if (pending.length < headerLength + 4) return;
        const size = headerLength + pending.readUInt32BE(headerLength);
        if (pending.length < size) return;
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        if (startup) {
          const code = message.readUInt32BE(4);
          startup = code === SSL_REQUEST || code === GSSENC_REQUEST;
        } else {
          const type = String.fromCharCode(message[0]!);
          const text = message.subarray(5).toString('utf8');
          if (type === 'P' && text.includes(`"status" = 'finishing'`)) finishingTransaction = true;
          if (type === 'Q' && text.startsWith('COMMIT')) {
            if (finishingTransaction && cutAt === null) {
              cutAt = Date.now();
              return cut();
            }
            finishingTransaction = false;
          }
        }
        upstream.write(message);
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cutAt: () => cutAt,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
