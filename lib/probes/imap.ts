import net from 'node:net';
import { ImapFlow } from 'imapflow';
import { LineClient } from './line-client';
import { hostPortOf } from './tcp';
import { ProbeFailure, type ProbeSpec } from './types';
import type { MailSettings } from './schema';

/** The "* OK" banner, STARTTLS when asked; with a user, a full login through imapflow. */
export async function runImap(probe: ProbeSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const settings = probe.settings as MailSettings;
  const { host, port } = hostPortOf(probe.target, settings.tls === 'implicit' ? 993 : 143);
  return settings.user ? login(host, port, settings, probe.timeoutS, signal) : banner(host, port, settings, signal);
}

async function banner(host: string, port: number, settings: MailSettings, signal: AbortSignal): Promise<Record<string, unknown>> {
  const where = `${host}:${port}`;
  const client = await LineClient.connect(host, port, { implicitTls: settings.tls === 'implicit', tlsVerify: settings.tlsVerify, label: where, signal });
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    const greeting = await client.readLine();
    if (!/^\* (OK|PREAUTH)/i.test(greeting)) throw ProbeFailure.of('bannerWrong', { where, banner: greeting.slice(0, 120), expected: '* OK' });
    if (settings.tls === 'starttls') {
      client.send('a1 STARTTLS');
      const answer = await client.readUntil('a1 ');
      if (!/^a1 OK/i.test(answer)) throw new ProbeFailure(`${where} refused STARTTLS: ${answer.slice(0, 120)}`);
      await client.startTls(host, settings.tlsVerify);
    }
    client.send('a2 LOGOUT');
    return { banner: greeting.slice(0, 120), login: false };
  } finally {
    signal.removeEventListener('abort', abort);
    client.close();
  }
}

async function login(host: string, port: number, settings: MailSettings, timeoutS: number, signal: AbortSignal): Promise<Record<string, unknown>> {
  const where = `${host}:${port}`;
  const ms = timeoutS * 1000;
  const client = new ImapFlow({
    host,
    port,
    secure: settings.tls === 'implicit',
    doSTARTTLS: settings.tls === 'starttls' ? true : settings.tls === 'none' ? false : undefined,
    auth: { user: settings.user, pass: settings.password },
    tls: { rejectUnauthorized: settings.tlsVerify, servername: net.isIP(host) ? undefined : host },
    logger: false,
    connectionTimeout: ms,
    greetingTimeout: ms,
    socketTimeout: ms,
    disableAutoIdle: true,
  });
  client.on('error', () => {});
  const abort = () => client.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    await client.logout().catch(() => {});
    return { login: true };
  } catch (error) {
    const e = error as Error & { authenticationFailed?: boolean; code?: string; responseText?: string };
    if (signal.aborted) throw ProbeFailure.of('noAnswerFrom', { where, seconds: timeoutS });
    if (e.authenticationFailed) throw ProbeFailure.of('loginRefused', { where, reply: e.responseText ?? '' });
    throw new ProbeFailure(`${where}: ${e.code ?? e.message}`);
  } finally {
    signal.removeEventListener('abort', abort);
    client.close();
  }
}
