import net from 'node:net';
import nodemailer from 'nodemailer';
import { hostPortOf } from './tcp';
import { ProbeFailure, type ProbeSpec } from './types';
import type { MailSettings } from './schema';

/** nodemailer's verify(): the 220 banner, EHLO, STARTTLS when asked, AUTH when a user is set. */
export async function runSmtp(probe: ProbeSpec, signal: AbortSignal): Promise<Record<string, unknown>> {
  const settings = probe.settings as MailSettings;
  const { host, port } = hostPortOf(probe.target, settings.tls === 'implicit' ? 465 : 25);
  const ms = probe.timeoutS * 1000;
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: settings.tls === 'implicit',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    auth: settings.user ? { user: settings.user, pass: settings.password } : undefined,
    connectionTimeout: ms,
    greetingTimeout: ms,
    socketTimeout: ms,
    name: 'tayori-probe',
    tls: { rejectUnauthorized: settings.tlsVerify, servername: net.isIP(host) ? undefined : host },
    logger: false,
    debug: false,
  });
  const abort = () => transport.close();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await transport.verify();
    return { login: Boolean(settings.user) };
  } catch (error) {
    throw describe(error as NodeJS.ErrnoException & { responseCode?: number; response?: string }, `${host}:${port}`, probe.timeoutS);
  } finally {
    signal.removeEventListener('abort', abort);
    transport.close();
  }
}

function describe(error: NodeJS.ErrnoException & { responseCode?: number; response?: string }, where: string, seconds: number): ProbeFailure {
  // nodemailer's messages name the command and the server's answer; never the password.
  if (error.code === 'EAUTH') return ProbeFailure.of('loginRefused', { where, reply: error.response ?? error.message });
  if (error.code === 'ECONNECTION' && /ECONNREFUSED/.test(error.message)) return ProbeFailure.of('refused', { where });
  if (error.code === 'ETIMEDOUT' || /Greeting never received|timeout/i.test(error.message)) return ProbeFailure.of('noAnswerFrom', { where, seconds });
  return new ProbeFailure(`${where}: ${error.response ?? error.message}`);
}
