// One request and one reply over a fresh TCP connection, as clamd and spamd speak: the client
// writes its request and half-closes, the daemon answers and closes. Aborting destroys the socket.
import net from 'node:net';

/** Writes a stream into the socket, waiting whenever the socket's buffer is full. */
export async function writeStream(socket: net.Socket, source: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of source) {
    if (socket.destroyed) return;
    if (!socket.write(chunk as Buffer)) await new Promise<void>((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
  }
}

/** Connects to `name` at host:port, lets `send` write the request, and resolves with the whole reply. */
export function tcpExchange(name: string, host: string, port: number, signal: AbortSignal, send: (socket: net.Socket) => void | Promise<void>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const chunks: Buffer[] = [];
    const abort = () => {
      socket.destroy();
      reject(new Error(`${name} scan aborted`));
    };
    signal.addEventListener('abort', abort, { once: true });
    socket.on('connect', () => {
      Promise.resolve(send(socket)).catch((error: Error) => socket.destroy(error));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      signal.removeEventListener('abort', abort);
      reject(new Error(`${name} at ${host}:${port}: ${error.message}`));
    });
    socket.on('end', () => {
      signal.removeEventListener('abort', abort);
      resolve(Buffer.concat(chunks));
    });
  });
}
