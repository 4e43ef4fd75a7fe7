import net from 'node:net';
import { parseHostPort } from './target';
import { ProbeFailure, type ProbeSpec } from './types';

/** Connects to host:port; passes once the connection is open. */
export async function runTcp(probe: ProbeSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const { host, port } = hostPortOf(probe.target, null);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const abort = () => {
      socket.destroy();
      reject(ProbeFailure.of('noAnswerFrom', { where: `${host}:${port}`, seconds: probe.timeoutS }));
    };
    signal.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', abort);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', abort);
      reject(ProbeFailure.of('connectFailed', { where: `${host}:${port}`, reason: error.code ?? error.message }));
    });
  });
  return {};
}

export function hostPortOf(target: string, defaultPort: number | null): { host: string; port: number } {
  const parsed = parseHostPort(target);
  if ('problem' in parsed) throw new ProbeFailure(`the target "${target}" is not host:port`);
  const port = parsed.port ?? defaultPort;
  if (port === null) throw new ProbeFailure(`the target "${target}" has no port`);
  return { host: parsed.host, port };
}
